// The search page's query and results, kept while the user reads a hit and comes back.

import type { CodeScope, Hit } from "../backend";

export const search = $state({
  query: "",
  /** The query the results belong to. */
  ran: "",
  total: 0,
  hits: [] as Hit[],
  error: null as string | null,
  /** Segment ids of the ticked hits. */
  selected: [] as string[],
  scope: "hit" as CodeScope,
});
