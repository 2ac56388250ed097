//! The tantivy index: one document per segment, with one text field per language.
//!
//! Invariant: the index holds exactly the segments of the project file as of the generation
//! recorded in its last commit payload; [`SearchIndex::update_sources`] replaces all
//! documents of the given sources, so it is always safe to call again.

use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;

use rusqlite::Connection;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STRING};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::hit::{Hit, SearchResults};
use super::query::{self, Expr, Filter};
use super::snippet;
use crate::dates::date_key;
use crate::domain::Id;
use crate::language::analyzers::{self as analysis, field_languages};
use crate::text::CharIndex;
use crate::{Error, Result};

/// The most hits one search returns in a page; more come by paging with `offset`, so a
/// careless caller cannot make one query build snippets for the whole project.
pub const MAX_PAGE: usize = 1000;

struct Fields {
    segment: Field,
    source: Field,
    text: HashMap<&'static str, Field>,
    kind: Field,
    phase: Field,
    lang: Field,
    channel: Field,
    attr: Field,
    speaker: Field,
    case: Field,
    code: Field,
    date: Field,
    score: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id_opts = NumericOptions::default().set_indexed().set_fast();
    let segment = b.add_u64_field("segment", id_opts.clone());
    let source = b.add_u64_field("source", id_opts.clone());
    let mut text = HashMap::new();
    for lang in field_languages() {
        let opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(&analysis::field_name(lang))
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        text.insert(lang, b.add_text_field(&analysis::field_name(lang), opts));
    }
    let plain = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::PLAIN)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        segment,
        source,
        text,
        kind: b.add_text_field("kind", STRING),
        phase: b.add_text_field("phase", STRING),
        lang: b.add_text_field("lang", STRING),
        channel: b.add_text_field("channel", STRING),
        attr: b.add_text_field("attr", STRING),
        speaker: b.add_text_field("speaker", plain.clone()),
        case: b.add_text_field("case", plain),
        code: b.add_u64_field("code", NumericOptions::default().set_indexed()),
        date: b.add_i64_field("date", NumericOptions::default().set_indexed().set_fast()),
        score: b.add_f64_field("score", NumericOptions::default().set_indexed().set_fast()),
    };
    (b.build(), fields)
}

/// The search index of one project.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    fields: Fields,
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates an empty one. An index that cannot be read
    /// (corrupt, from an incompatible version, a different schema) is discarded and
    /// recreated empty: it is derived data and will be rebuilt.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex> {
        let (schema, fields) = schema();
        // tantivy panics on some damaged files (a truncated segment) instead of returning an
        // error; either way the index is derived data, so it is replaced.
        let opened = std::panic::catch_unwind(|| {
            Index::open_in_dir(dir).ok().filter(|i| i.schema() == schema).and_then(|i| {
                Self::register(&i);
                let reader: IndexReader = i.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().ok()?;
                Some((i, reader))
            })
        })
        .ok()
        .flatten();
        let (index, reader) = match opened {
            Some(ok) => ok,
            None => {
                let _ = std::fs::remove_dir_all(dir);
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                let index = Index::create_in_dir(dir, schema)?;
                Self::register(&index);
                let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
                (index, reader)
            }
        };
        Ok(SearchIndex { index, reader, writer: None, fields })
    }

    /// An empty index in memory, for a project whose folder cannot be written.
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        Self::register(&index);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, writer: None, fields })
    }

    fn register(index: &Index) {
        for lang in field_languages() {
            index.tokenizers().register(&analysis::field_name(lang), analysis::index_analyzer(lang));
        }
        index.tokenizers().register(analysis::PLAIN, analysis::plain_analyzer());
    }

    /// The project generation this index reflects, from its last commit; `None` if it was
    /// built by other analyzers (another lexicon, older rules), so it is rebuilt.
    pub fn generation(&self) -> Option<u64> {
        let payload = self.index.load_metas().ok()?.payload?;
        let (generation, analyzers) = payload.split_once(' ')?;
        (analyzers == analysis::signature()).then(|| generation.parse().ok()).flatten()
    }

    /// Number of indexed segments.
    pub fn num_segments(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            self.writer = Some(self.index.writer(128_000_000)?);
        }
        Ok(self.writer.as_mut().expect("writer was just created"))
    }

    fn commit(&mut self, generation: u64) -> Result<()> {
        let writer = self.writer()?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&format!("{generation} {}", analysis::signature()));
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Replaces the whole index with the segments in `conn`. `progress(done, total)` returning
    /// `false` cancels; the index is then left marked stale.
    pub fn rebuild(
        &mut self,
        conn: &Connection,
        generation: u64,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<usize> {
        let total: i64 = conn.query_row("SELECT count(*) FROM sources", [], |r| r.get(0))?;
        self.writer()?.delete_all_documents()?;
        let range: (Option<Id>, Option<Id>) =
            conn.query_row("SELECT min(id), max(id) FROM sources", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut n = 0;
        let mut sources_done = 0usize;
        if let (Some(lo), Some(hi)) = range {
            let mut cancelled = false;
            let fields = &self.fields;
            let writer = self.writer.as_mut().expect("writer opened above");
            collect_docs(conn, lo, hi, &mut |doc| {
                if doc.first_of_source {
                    sources_done += 1;
                    if sources_done.is_multiple_of(1000) && !progress(sources_done, total as usize) {
                        cancelled = true;
                        return Ok(false);
                    }
                }
                writer.add_document(fields.document(&doc))?;
                n += 1;
                Ok(true)
            })?;
            if cancelled {
                self.writer()?.rollback()?;
                return Err(Error::Cancelled);
            }
        }
        self.commit(generation)?;
        progress(total as usize, total as usize);
        Ok(n)
    }

    /// Re-indexes all segments of `sources` (deleted sources simply disappear).
    pub fn update_sources(&mut self, conn: &Connection, sources: &[Id], generation: u64) -> Result<()> {
        let mut ids = sources.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let source_field = self.fields.source;
        let writer = self.writer()?;
        for id in &ids {
            writer.delete_term(Term::from_field_u64(source_field, *id as u64));
        }
        // Imports add contiguous id ranges: read each run with range scans.
        let mut runs: Vec<(Id, Id)> = Vec::new();
        for id in ids {
            match runs.last_mut() {
                Some((_, hi)) if *hi + 1 == id => *hi = id,
                _ => runs.push((id, id)),
            }
        }
        let fields = &self.fields;
        let writer = self.writer.as_mut().expect("writer opened above");
        for (lo, hi) in runs {
            collect_docs(conn, lo, hi, &mut |doc| {
                writer.add_document(fields.document(&doc))?;
                Ok(true)
            })?;
        }
        self.commit(generation)
    }

    /// Runs `query_text`, returning `limit` hits from `offset` with snippets and highlights.
    pub fn search(&self, conn: &Connection, query_text: &str, limit: usize, offset: usize) -> Result<SearchResults> {
        let limit = limit.clamp(1, MAX_PAGE);
        let expr = query::parse(query_text)?;
        let q = self.compile_top(conn, &expr)?;
        let searcher = self.reader.searcher();
        let (total, top) =
            searcher.search(&q, &(Count, TopDocs::with_limit(limit).and_offset(offset).order_by_score()))?;
        let matchers = snippet::matchers(&expr);
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top.into_iter().take(limit) {
            let seg = self.segment_id(&searcher, addr)?;
            if let Some(hit) = snippet::hit(conn, seg, score, &matchers)? {
                hits.push(hit);
            }
        }
        Ok(SearchResults { total, hits })
    }

    /// Every segment matching `query_text` with its matched ranges: what "code all hits" codes.
    pub fn all_matches(&self, conn: &Connection, query_text: &str) -> Result<Vec<Hit>> {
        let expr = query::parse(query_text)?;
        let q = self.compile_top(conn, &expr)?;
        let searcher = self.reader.searcher();
        let docs = searcher.search(&q, &DocSetCollector)?;
        let matchers = snippet::matchers(&expr);
        let mut segs: Vec<Id> = docs.into_iter().map(|a| self.segment_id(&searcher, a)).collect::<Result<_>>()?;
        segs.sort_unstable();
        let mut hits = Vec::with_capacity(segs.len());
        for seg in segs {
            if let Some(hit) = snippet::hit(conn, seg, 0.0, &matchers)? {
                hits.push(hit);
            }
        }
        Ok(hits)
    }

    fn segment_id(&self, searcher: &tantivy::Searcher, addr: DocAddress) -> Result<Id> {
        let col = searcher.segment_reader(addr.segment_ord).fast_fields().u64("segment")?;
        col.first(addr.doc_id)
            .map(|v| v as Id)
            .ok_or_else(|| Error::Invalid("search index document without a segment id; run `polku reindex`".into()))
    }

    /// Compiles a whole query; a query of only exclusions or filters matches everything else.
    fn compile_top(&self, conn: &Connection, expr: &Expr) -> Result<Box<dyn Query>> {
        match self.compile(conn, expr)? {
            Some(q) => Ok(q),
            None => Err(Error::Query {
                message: "the query has only stop words; nothing to search for".into(),
                position: 0,
            }),
        }
    }

    /// `None` means "no constraint" (e.g. a stop word), which an AND simply drops.
    fn compile(&self, conn: &Connection, expr: &Expr) -> Result<Option<Box<dyn Query>>> {
        Ok(match expr {
            Expr::And(parts) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for p in parts {
                    match p {
                        Expr::Not(inner) => {
                            if let Some(q) = self.compile(conn, inner)? {
                                clauses.push((Occur::MustNot, q));
                            }
                        }
                        other => {
                            if let Some(q) = self.compile(conn, other)? {
                                clauses.push((Occur::Must, q));
                            }
                        }
                    }
                }
                if clauses.is_empty() {
                    return Ok(None);
                }
                if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Some(Box::new(BooleanQuery::new(clauses)))
            }
            Expr::Or(parts) => {
                let mut qs = Vec::new();
                for p in parts {
                    if let Some(q) = self.compile(conn, p)? {
                        qs.push(q);
                    }
                }
                (!qs.is_empty()).then(|| Box::new(BooleanQuery::union(qs)) as Box<dyn Query>)
            }
            Expr::Not(inner) => self.compile(conn, inner)?.map(|q| {
                Box::new(BooleanQuery::new(vec![(Occur::Must, Box::new(AllQuery)), (Occur::MustNot, q)]))
                    as Box<dyn Query>
            }),
            Expr::Word(w) | Expr::Phrase(w) => self.per_language(|lang, field| {
                let toks = analysis::tokens(&mut analysis::analyzer(lang), w);
                match toks.len() {
                    0 => None,
                    1 => {
                        let qs: Vec<Box<dyn Query>> = analysis::query_terms(lang, w)
                            .into_iter()
                            .map(|t| {
                                let term = Term::from_field_text(field, &t.term);
                                if t.scored {
                                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>
                                } else {
                                    let q = TermQuery::new(term, IndexRecordOption::Basic);
                                    // Score 0: below every scored match.
                                    Box::new(ConstScoreQuery::new(Box::new(q), 0.0))
                                }
                            })
                            .collect();
                        Some(Box::new(BooleanQuery::union(qs)) as Box<dyn Query>)
                    }
                    _ => {
                        let first = toks[0].position;
                        let terms =
                            toks.iter().map(|t| (t.position - first, Term::from_field_text(field, &t.term))).collect();
                        Some(Box::new(PhraseQuery::new_with_offset(terms)))
                    }
                }
            }),
            Expr::Prefix(p) => self.per_language(|lang, field| {
                let qs: Vec<Box<dyn Query>> = analysis::prefix_variants(lang, p)
                    .into_iter()
                    .map(|v| {
                        Box::new(FuzzyTermQuery::new_prefix(Term::from_field_text(field, &v), 0, true))
                            as Box<dyn Query>
                    })
                    .collect();
                Some(Box::new(BooleanQuery::union(qs)))
            }),
            Expr::Fuzzy(w, d) => self.per_language(|lang, field| {
                let toks = analysis::tokens(&mut analysis::analyzer(lang), w);
                let t = toks.first()?;
                Some(Box::new(FuzzyTermQuery::new(Term::from_field_text(field, &t.term), *d, true)) as Box<dyn Query>)
            }),
            Expr::Filter(filter) => Some(self.compile_filter(conn, filter)?),
        })
    }

    /// Builds a query per language field and ORs them; fields the term vanishes in are skipped.
    fn per_language(&self, mut f: impl FnMut(&'static str, Field) -> Option<Box<dyn Query>>) -> Option<Box<dyn Query>> {
        let qs: Vec<Box<dyn Query>> = field_languages().filter_map(|lang| f(lang, self.fields.text[lang])).collect();
        match qs.len() {
            0 => None,
            _ => Some(Box::new(BooleanQuery::union(qs))),
        }
    }

    fn compile_filter(&self, conn: &Connection, filter: &Filter) -> Result<Box<dyn Query>> {
        let f = &self.fields;
        let term = |field: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic))
        };
        let plain_phrase = |field: Field, v: &str| -> Box<dyn Query> {
            let toks = analysis::tokens(&mut analysis::plain_analyzer(), v);
            match toks.len() {
                0 => Box::new(EmptyQuery),
                1 => Box::new(TermQuery::new(Term::from_field_text(field, &toks[0].term), IndexRecordOption::Basic)),
                _ => Box::new(PhraseQuery::new(toks.iter().map(|t| Term::from_field_text(field, &t.term)).collect())),
            }
        };
        Ok(match filter {
            Filter::Kind(k) => term(f.kind, k),
            Filter::Lang(l) => term(f.lang, l),
            Filter::Channel(c) => term(f.channel, c),
            Filter::Attribute { name, value } => term(f.attr, &format!("{}={}", name.to_lowercase(), value)),
            Filter::Phase(p) => {
                let key = resolve_phase(conn, p)?;
                term(f.phase, &key)
            }
            Filter::Speaker(s) => plain_phrase(f.speaker, s),
            Filter::Case(c) => plain_phrase(f.case, c),
            Filter::Source(id) => {
                Box::new(TermQuery::new(Term::from_field_u64(f.source, *id as u64), IndexRecordOption::Basic))
            }
            Filter::Code(name) => {
                let ids = crate::store::codes::resolve_with_descendants(conn, name)?;
                if crate::store::scope::narrowed(conn)? {
                    // The index holds every coder's codings; a session that shows only some
                    // coders' work finds the segments their codings touch in the project file.
                    Box::new(TermSetQuery::new(
                        segments_coded_with(conn, &ids)?
                            .into_iter()
                            .map(|id| Term::from_field_u64(f.segment, id as u64)),
                    ))
                } else {
                    Box::new(TermSetQuery::new(ids.into_iter().map(|id| Term::from_field_u64(f.code, id as u64))))
                }
            }
            Filter::Date { from, to } => Box::new(RangeQuery::new(
                from.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(f.date, v))),
                to.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(f.date, v))),
            )),
            Filter::Score { from, to } => Box::new(RangeQuery::new(
                from.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_f64(f.score, v))),
                to.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_f64(f.score, v))),
            )),
        })
    }
}

/// The segments the shown codings (`store::scope`) of any of `codes` overlap.
fn segments_coded_with(conn: &Connection, codes: &[Id]) -> Result<Vec<Id>> {
    let mut st = conn.prepare_cached(
        "SELECT DISTINCT g.id FROM seen_codings k
         JOIN segments g ON g.source_id = k.source_id AND g.start < k.end AND g.end > k.start
         WHERE k.code_id = ?1",
    )?;
    let mut out = Vec::new();
    for code in codes {
        for id in st.query_map([code], |r| r.get(0))? {
            out.push(id?);
        }
    }
    Ok(out)
}

fn resolve_phase(conn: &Connection, p: &str) -> Result<String> {
    let mut st = conn.prepare("SELECT key, name FROM phases ORDER BY position")?;
    let phases: Vec<(String, String)> = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let want = p.to_lowercase();
    phases
        .iter()
        .find(|(k, n)| k.to_lowercase() == want || n.to_lowercase() == want)
        .map(|(k, _)| k.to_lowercase())
        .ok_or_else(|| Error::Query {
            message: format!(
                "unknown phase '{p}' (the project's phases: {})",
                phases.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
            ),
            position: 0,
        })
}

/// Everything the index stores about one segment.
struct SegmentDoc<'a> {
    first_of_source: bool,
    segment_id: Id,
    source_id: Id,
    text: &'a str,
    lang: &'a str,
    kind: &'a str,
    phase: Option<&'a str>,
    speaker: Option<&'a str>,
    case: Option<&'a str>,
    channel: Option<&'a str>,
    date: Option<i64>,
    score: Option<f64>,
    attrs: &'a [String],
    codes: Vec<Id>,
}

impl Fields {
    fn document(&self, d: &SegmentDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.segment, d.segment_id as u64);
        doc.add_u64(self.source, d.source_id as u64);
        doc.add_text(self.text[analysis::index_language(d.lang)], d.text);
        doc.add_text(self.kind, d.kind);
        doc.add_text(self.lang, d.lang);
        if let Some(p) = d.phase {
            doc.add_text(self.phase, p.to_lowercase());
        }
        if let Some(s) = d.speaker {
            doc.add_text(self.speaker, s);
        }
        if let Some(c) = d.case {
            doc.add_text(self.case, c);
        }
        if let Some(c) = d.channel {
            doc.add_text(self.channel, c.to_lowercase());
        }
        if let Some(v) = d.date {
            doc.add_i64(self.date, v);
        }
        if let Some(v) = d.score {
            doc.add_f64(self.score, v);
        }
        for a in d.attrs {
            doc.add_text(self.attr, a);
        }
        for c in &d.codes {
            doc.add_u64(self.code, *c as u64);
        }
        doc
    }
}

/// Streams the search documents of sources `lo..=hi` in id order, reading each table with
/// one range scan and joining them in memory (no per-source queries).
fn collect_docs(conn: &Connection, lo: Id, hi: Id, emit: &mut dyn FnMut(SegmentDoc) -> Result<bool>) -> Result<()> {
    let case_attrs = load_case_attributes(conn)?;
    let mut src_st = conn.prepare_cached(
        "SELECT s.id, s.kind, s.language, s.date, s.channel, p.key, c.name, s.score, s.text, s.case_id
         FROM sources s LEFT JOIN phases p ON p.id = s.phase_id LEFT JOIN cases c ON c.id = s.case_id
         WHERE s.id BETWEEN ?1 AND ?2 ORDER BY s.id",
    )?;
    let mut seg_st = conn.prepare_cached(
        "SELECT g.source_id, g.id, g.start, g.end, g.speaker, p.key FROM segments g
         LEFT JOIN phases p ON p.id = g.phase_id
         WHERE g.source_id BETWEEN ?1 AND ?2 ORDER BY g.source_id, g.ordinal",
    )?;
    let mut cod_st = conn.prepare_cached(
        "SELECT source_id, code_id, start, end FROM codings WHERE source_id BETWEEN ?1 AND ?2 ORDER BY source_id",
    )?;
    let mut val_st = conn.prepare_cached(
        "SELECT v.source_id, a.name, v.value FROM source_values v JOIN attributes a ON a.id = v.attribute_id
         WHERE v.source_id BETWEEN ?1 AND ?2 ORDER BY v.source_id",
    )?;
    type SegRow = (Id, i64, i64, Option<String>, Option<String>);
    let mut segs = Grouped::new(seg_st.query([lo, hi])?, |r| {
        Ok((r.get::<_, Id>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
    });
    let mut cods = Grouped::new(cod_st.query([lo, hi])?, |r| {
        Ok((r.get::<_, Id>(0)?, (r.get::<_, Id>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?)))
    });
    let mut vals = Grouped::new(val_st.query([lo, hi])?, |r| {
        Ok((
            r.get::<_, Id>(0)?,
            format!("{}={}", r.get::<_, String>(1)?.to_lowercase(), r.get::<_, String>(2)?.to_lowercase()),
        ))
    });
    let mut rows = src_st.query([lo, hi])?;
    let no_attrs: Vec<String> = Vec::new();
    while let Some(r) = rows.next()? {
        let source_id: Id = r.get(0)?;
        let kind: String = r.get(1)?;
        let lang: String = r.get(2)?;
        let date: Option<String> = r.get(3)?;
        let channel: Option<String> = r.get(4)?;
        let phase: Option<String> = r.get(5)?;
        let case: Option<String> = r.get(6)?;
        let score: Option<f64> = r.get(7)?;
        let text: String = r.get(8)?;
        let case_id: Option<Id> = r.get(9)?;
        let segments: Vec<SegRow> = segs.take(source_id)?;
        let codings = cods.take(source_id)?;
        let mut attrs = vals.take(source_id)?;
        attrs.extend(case_id.and_then(|c| case_attrs.get(&c)).unwrap_or(&no_attrs).iter().cloned());
        let idx = CharIndex::new(&text);
        let date = date.as_deref().and_then(date_key).map(i64::from);
        for (i, (seg_id, start, end, speaker, seg_phase)) in segments.iter().enumerate() {
            let codes = codings.iter().filter(|(_, cs, ce)| cs < end && ce > start).map(|(code, _, _)| *code).collect();
            let doc = SegmentDoc {
                first_of_source: i == 0,
                segment_id: *seg_id,
                source_id,
                text: idx.slice(&text, *start as usize, *end as usize),
                lang: &lang,
                kind: &kind,
                phase: seg_phase.as_deref().or(phase.as_deref()),
                speaker: speaker.as_deref(),
                case: case.as_deref(),
                channel: channel.as_deref(),
                date,
                score,
                attrs: &attrs,
                codes,
            };
            if !emit(doc)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

fn load_case_attributes(conn: &Connection) -> Result<HashMap<Id, Vec<String>>> {
    let mut st = conn.prepare_cached(
        "SELECT v.case_id, a.name, v.value FROM case_values v JOIN attributes a ON a.id = v.attribute_id",
    )?;
    let mut map: HashMap<Id, Vec<String>> = HashMap::new();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        map.entry(r.get(0)?).or_default().push(format!(
            "{}={}",
            r.get::<_, String>(1)?.to_lowercase(),
            r.get::<_, String>(2)?.to_lowercase()
        ));
    }
    Ok(map)
}

/// Rows ordered by source id, taken one source at a time (a merge join against `sources`).
struct Grouped<'s, T, F: FnMut(&rusqlite::Row) -> rusqlite::Result<(Id, T)>> {
    rows: rusqlite::Rows<'s>,
    map: F,
    pending: Option<(Id, T)>,
    done: bool,
}

impl<'s, T, F: FnMut(&rusqlite::Row) -> rusqlite::Result<(Id, T)>> Grouped<'s, T, F> {
    fn new(rows: rusqlite::Rows<'s>, map: F) -> Self {
        Grouped { rows, map, pending: None, done: false }
    }

    fn take(&mut self, source: Id) -> Result<Vec<T>> {
        let mut out = Vec::new();
        loop {
            if self.pending.is_none() && !self.done {
                match self.rows.next()? {
                    Some(r) => self.pending = Some((self.map)(r)?),
                    None => self.done = true,
                }
            }
            match self.pending.take() {
                Some((id, v)) if id == source => out.push(v),
                Some((id, v)) if id < source => drop(v),
                Some(other) => {
                    self.pending = Some(other);
                    return Ok(out);
                }
                None => return Ok(out),
            }
        }
    }
}
