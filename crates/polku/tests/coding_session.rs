//! A researcher's coding session: undo and redo, the reader's view of a source, listing
//! sources by attribute, date and score, and phases on single speaker turns.

use crate::common;

use polku::domain::{AttrValue, MemoTarget};
use polku::search::CodeScope;
use polku::store::history::{EditAction, EditSummary};
use polku::store::sources::{SourceFilter, SourceSort};

const INTERVIEW: &str = "Haastattelija: Miten käyttöönotto sujui?\n\
Asiakas: Käyttöönotto venyi, ja hinnankorotuksesta kuulimme sähköpostilla.\n\
Haastattelija: Entä tuki?\n\
Asiakas: Tuki vastasi nopeasti, mutta hinnankorotus harmittaa yhä.\n";

#[test]
fn undo_and_redo_revert_coding_edits_exactly() {
    let (dir, mut p) = common::project();
    let src = common::import(&mut p, &dir, "haastattelu.txt", INTERVIEW.as_bytes(), &Default::default())
        .unwrap()
        .source_ids[0];
    let price = p.create_code("Hinta", None, None, "").unwrap();
    assert_eq!(p.history_state().undo, None);

    // A manual coding, then "code all hits" as a second step.
    let at = INTERVIEW.find("Miten").unwrap() as i64; // ASCII before it: bytes = chars
    let manual = p.add_coding(price, src, at, at + 5).unwrap();
    let n = p.code_search_hits(price, "hinnankorotus", CodeScope::Hit).unwrap();
    assert_eq!(n, 2, "both inflected forms are coded");
    assert_eq!(p.history_state().undo, Some(EditSummary { action: EditAction::AddCodings, count: 2 }));
    assert_eq!(p.codings(src).unwrap().len(), 3);

    // Undo removes exactly the last step; the search-coded passages leave the index too.
    p.undo().unwrap();
    assert_eq!(p.codings(src).unwrap().iter().map(|c| c.id).collect::<Vec<_>>(), [manual.id]);
    assert_eq!(p.search("code:Hinta", 10, 0).unwrap().total, 1);
    // Redo brings the same rows back.
    let state = p.redo().unwrap();
    assert_eq!(state.redo, None);
    assert_eq!(p.codings(src).unwrap().len(), 3);

    // Removing a coding with a memo, then undoing, restores both with their ids.
    let memo = p.add_memo(MemoTarget::Coding(manual.id), "Miksi", "Aloittaa haastattelun").unwrap();
    p.remove_coding(manual.id).unwrap();
    assert!(p.memos(MemoTarget::Coding(manual.id)).unwrap().is_empty());
    p.undo().unwrap();
    assert_eq!(p.coding(manual.id).unwrap(), manual);
    assert_eq!(p.memos(MemoTarget::Coding(manual.id)).unwrap()[0].id, memo);

    // A new edit after an undo drops the redo branch.
    p.undo().unwrap();
    assert!(p.history_state().redo.is_some());
    p.undo().unwrap();
    p.add_coding(price, src, 14, 20).unwrap();
    assert_eq!(p.history_state().redo, None);
    // Deleting a code clears the history rather than leaving steps that point at it.
    p.delete_code(price).unwrap();
    assert_eq!(p.history_state().undo, None);
    assert_eq!(p.undo().unwrap().undo, None, "undo with an empty history does nothing");
}

#[test]
fn recoding_keeps_the_passage_and_its_memo_and_undoes_in_one_step() {
    let (dir, mut p) = common::project();
    let src = common::import(&mut p, &dir, "haastattelu.txt", INTERVIEW.as_bytes(), &Default::default())
        .unwrap()
        .source_ids[0];
    let price = p.create_code("Hinta", None, None, "").unwrap();
    let comms = p.create_code("Viestintä", None, None, "").unwrap();
    let at = INTERVIEW[..INTERVIEW.find("hinnankorotuksesta").unwrap()].chars().count() as i64;
    let c = p.add_coding(price, src, at, at + 18).unwrap();
    let memo = p.add_memo(MemoTarget::Coding(c.id), "", "sähköpostilla, ei soitettu").unwrap();
    let quotes = p.coded_passages(price).unwrap();
    assert_eq!(quotes.iter().map(|q| q.text.as_str()).collect::<Vec<_>>(), ["hinnankorotuksesta"]);
    assert_eq!(quotes[0].source_title, p.source(src).unwrap().title);

    let moved = p.recode_coding(c.id, comms).unwrap();
    assert_eq!((moved.id, moved.start, moved.end, moved.code_id), (c.id, c.start, c.end, comms));
    assert!(p.coded_passages(price).unwrap().is_empty());
    assert_eq!(p.memos(MemoTarget::Coding(c.id)).unwrap()[0].id, memo);
    assert_eq!(p.history_state().undo, Some(EditSummary { action: EditAction::Recode, count: 1 }));

    p.undo().unwrap();
    assert_eq!(p.coding(c.id).unwrap().code_id, price);
    assert_eq!(p.memos(MemoTarget::Coding(c.id)).unwrap()[0].id, memo, "the memo survives undo");
    p.redo().unwrap();
    assert_eq!(p.coding(c.id).unwrap().code_id, comms);
    assert_eq!(p.memos(MemoTarget::Coding(c.id)).unwrap().len(), 1, "and redo");
    assert!(p.recode_coding(c.id, 9999).is_err());
}

#[test]
fn the_reader_gets_text_segments_codings_and_attributes() {
    let (dir, mut p) = common::project();
    let src = common::import(&mut p, &dir, "haastattelu.txt", INTERVIEW.as_bytes(), &Default::default())
        .unwrap()
        .source_ids[0];
    p.set_source_attribute(src, "interviewer", AttrValue::Text("Aino".into())).unwrap();
    let code = p.create_code("Tuki", None, None, "").unwrap();
    let coding = p.add_coding(code, src, 5, 9).unwrap();
    let view = p.source_view(src).unwrap();
    assert_eq!(view.text, INTERVIEW);
    assert_eq!(view.segments.len(), 4);
    assert_eq!(view.segments[1].speaker.as_deref(), Some("Asiakas"));
    assert_eq!(view.codings, vec![coding]);
    assert_eq!(view.attributes, vec![("interviewer".to_string(), AttrValue::Text("Aino".into()))]);
    assert!(view.segment_phases.is_empty());

    // One turn talks about support: its phase differs from the source's and search sees it.
    p.set_source_phase(src, Some("onboarding")).unwrap();
    let turn = view.segments[3].id;
    p.set_segment_phase(turn, Some("usage")).unwrap();
    assert_eq!(p.source_view(src).unwrap().segment_phases, vec![(turn, "usage".to_string())]);
    let hits = p.search("phase:usage", 10, 0).unwrap();
    assert_eq!(hits.hits.iter().map(|h| h.segment_id).collect::<Vec<_>>(), [turn]);
    assert!(p.set_segment_phase(turn, Some("no-such-phase")).is_err());
    p.set_segment_phase(turn, None).unwrap();
    assert_eq!(p.search("phase:usage", 10, 0).unwrap().total, 0);
    assert!(p.source_view(9999).is_err());
}

#[test]
fn sources_filter_by_attribute_date_and_score_and_sort() {
    let (dir, mut p) = common::project();
    let csv = "id;pvm;asiakas;segmentti;nps;kommentti\n\
1;3.1.2025;Acme Oy;SMB;3;Hinta nousi liikaa.\n\
2;15.3.2025;Beta Oy;Enterprise;9;Suunnittelutaulu on loistava.\n\
3;30.3.2025;Acme Oy;SMB;10;Tuki auttoi heti.\n\
4;2.6.2025;Gamma Oy;Enterprise;6;Sovellus kaatuu.\n";
    common::import(&mut p, &dir, "kysely.csv", csv.as_bytes(), &Default::default()).unwrap();
    let list = |f: SourceFilter| p.sources(&f).unwrap();
    let (smb, total) = list(SourceFilter { attribute: Some(("segmentti".into(), "SMB".into())), ..Default::default() });
    assert_eq!((total, smb.iter().map(|s| s.score.unwrap().value).collect::<Vec<_>>()), (2, vec![3.0, 10.0]));
    let (march, _) =
        list(SourceFilter { date_from: Some("2025-03".into()), date_to: Some("2025-03".into()), ..Default::default() });
    assert_eq!(march.iter().map(|s| s.date.clone().unwrap()).collect::<Vec<_>>(), ["2025-03-15", "2025-03-30"]);
    let (detractors, _) =
        list(SourceFilter { score_max: Some(6.0), sort: SourceSort::Score, descending: true, ..Default::default() });
    assert_eq!(detractors.iter().map(|s| s.score.unwrap().value).collect::<Vec<_>>(), [6.0, 3.0]);
    let (none, total) =
        list(SourceFilter { attribute: Some(("segmentti".into(), "Mid".into())), ..Default::default() });
    assert!(none.is_empty() && total == 0);
}
