#!/usr/bin/env python3
"""Assembles the demo NPS survey export from the hand-written comment pools.

Reads survey-src/comments-*.jsonl (see survey-src/FORMAT.md), invents the fictional customer
base, draws each answer's date inside its period and a customer of a fitting language and
region, adds score-only answers (people who skipped the open question), and writes
survey/nps-survey-2024-2026.csv as a survey tool would export it. Deterministic: re-running
gives the same file.
"""
import csv
import datetime as dt
import json
import pathlib
import random

HERE = pathlib.Path(__file__).resolve().parent.parent
rng = random.Random(2026)

PERIODS = {
    "p1": (dt.date(2024, 12, 1), dt.date(2025, 4, 30)),
    "p2": (dt.date(2025, 5, 1), dt.date(2025, 8, 31)),
    "p3": (dt.date(2025, 9, 1), dt.date(2025, 10, 31)),
    "p4": (dt.date(2025, 11, 1), dt.date(2026, 2, 28)),
    "p5": (dt.date(2026, 3, 1), dt.date(2026, 11, 15)),
}

FI_PARTS = ["Kuusi", "Koivu", "Lahti", "Revon", "Pohjan", "Vesi", "Kivi", "Tammi", "Honka", "Salmen", "Linnan",
            "Järvi", "Routa", "Pihlaja", "Kallio", "Hirvi", "Ilves", "Kotka", "Saimaan", "Aalto", "Vaahtera", "Tunturi"]
FI_TAILS = ["", "mäen", "rannan", "vaaran", "kosken", "niemen", "kankaan", "harjun", "lahden", "portin"]
INDUSTRIES = [
    ("Property maintenance", "Kiinteistöhuolto Oy"), ("HVAC and plumbing", "LVI Oy"),
    ("Electrical installation", "Sähkö Oy"), ("Elevator service", "Hissipalvelut Oy"),
    ("Cleaning and facility services", "Palvelut Oy"), ("Security systems", "Turvatekniikka Oy"),
]
NORDIC = [("Sweden", ["Nord", "Berg", "Sjö", "Lund", "Vik", "Ek", "Fjäll"], ["Service AB", "Teknik AB", "Fastighet AB"]),
          ("Norway", ["Fjord", "Nordlys", "Bergen", "Vest", "Trond"], ["Service AS", "Teknikk AS", "Drift AS"])]
FI_REGIONS = ["Uusimaa", "Pirkanmaa", "Varsinais-Suomi", "Pohjois-Pohjanmaa"]
ROLES = ["Service manager", "Office manager", "Technician", "CFO", "IT administrator", "CEO", "Supervisor"]


def make_customers():
    customers, names = [], set()
    while len(customers) < 230:
        seg = rng.choices(["SMB", "Mid-market", "Enterprise"], [0.55, 0.32, 0.13])[0]
        techs = {"SMB": rng.randint(5, 49), "Mid-market": rng.randint(50, 249), "Enterprise": rng.randint(250, 900)}[seg]
        plan = {"SMB": rng.choices(["Basic", "Pro"], [0.6, 0.4])[0], "Mid-market": rng.choices(["Pro", "Enterprise"], [0.75, 0.25])[0],
                "Enterprise": "Enterprise"}[seg]
        industry, fi_suffix = rng.choice(INDUSTRIES)
        if rng.random() < 0.18:
            region, heads, tails = rng.choice(NORDIC)
            name = f"{rng.choice(heads)}{rng.choice(['', 'gård', 'strand', 'dal'])} {rng.choice(tails)}"
            lang = "en"
        else:
            region = rng.choices(FI_REGIONS, [0.4, 0.25, 0.2, 0.15])[0]
            name = f"{rng.choice(FI_PARTS)}{rng.choice(FI_TAILS)} {fi_suffix}"
            lang = "fi"
        if name in names:
            continue
        names.add(name)
        customers.append({"name": name, "segment": seg, "industry": industry, "region": region, "plan": plan,
                          "technicians": techs, "lang": lang, "weight": {"SMB": 1, "Mid-market": 2.5, "Enterprise": 5}[seg]})
    return customers


def draw_date(period, score):
    start, end = PERIODS[period]
    u = rng.random()
    if period == "p5":  # the score keeps improving through the last period
        u = u ** (0.6 if score >= 9 else 1.6 if score <= 6 else 1.0)
    return start + dt.timedelta(days=int(u * (end - start).days))


def main():
    customers = make_customers()
    fi_customers = [c for c in customers if c["lang"] == "fi"]
    pools = []
    for f in sorted((HERE / "survey-src").glob("comments-*.jsonl")):
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                item = json.loads(line)
                item["_origin"] = f"{f.name}:{n}"
                pools.append(item)
    rows = []
    for item in pools:
        # Finnish comments come from Finnish customers; English ones from anyone (Nordic
        # customers write English, and so do some Finnish companies' staff).
        cands = fi_customers if item["lang"] == "fi" else customers
        if item["lang"] == "en" and rng.random() < 0.55:
            cands = [c for c in customers if c["lang"] == "en"]
        cust = rng.choices(cands, [c["weight"] for c in cands])[0]
        rows.append((draw_date(item["period"], item["score"]), cust, item["phase"], item["score"], item["text"], item["lang"]))
    # Respondents who skipped the open question: same score mix per period, no comment.
    by_period = {}
    for item in pools:
        by_period.setdefault(item["period"], []).append(item)
    for period, items in sorted(by_period.items()):
        for _ in range(int(len(items) * 0.15)):
            src = rng.choice(items)
            cust = rng.choices(customers, [c["weight"] for c in customers])[0]
            rows.append((draw_date(period, src["score"]), cust, src["phase"], src["score"], "", ""))
    rows.sort(key=lambda r: (r[0], r[1]["name"]))
    out = HERE / "survey" / "nps-survey-2024-2026.csv"
    out.parent.mkdir(exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["response_id", "submitted", "customer", "segment", "industry", "region", "plan", "technicians",
                    "respondent_role", "touchpoint", "nps", "comment", "language"])
        for i, (date, c, phase, score, text, lang) in enumerate(rows, 1):
            w.writerow([f"R{i:05d}", date.isoformat(), c["name"], c["segment"], c["industry"], c["region"], c["plan"],
                        c["technicians"], rng.choice(ROLES), phase, score, text, lang])
    print(f"wrote {out.relative_to(HERE)}: {len(rows)} answers, {len(pools)} with comments, {len(customers)} customers")


if __name__ == "__main__":
    main()
