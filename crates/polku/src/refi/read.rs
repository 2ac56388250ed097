//! Reading REFI-QDA as the tools really write it: a `.qdpx` project into a Polku project, a
//! `.qdc` codebook merged into the project's codebook.
//!
//! Reading is two steps. [`parse_qdpx`] and [`parse_qdc`] turn the bytes into an [`Exchange`]
//! without touching the project: every source's text found and decoded, every selection's
//! offsets converted to Polku's (Unicode characters), and every item Polku cannot hold listed
//! with its reason. [`Project::store_exchange`] (`super::store`) then writes it in one
//! transaction.
//!
//! What real files do, and what this module does about it:
//! - the inner file is `project.qde`, `Project.qde` or `<project name>.qde`, the sources folder
//!   `sources/` or `Sources/`: archive names are matched without regard to case;
//! - NVivo counts selection offsets in UTF-16 code units (CRLF is 2 either way, the BOM is not
//!   counted), the standard and QualCoder in Unicode code points. The two differ only after a
//!   character beyond the Basic Multilingual Plane (an emoji). Both readings are tried on every
//!   source that has one; a boundary that falls inside a word (or between the halves of a
//!   surrogate pair, or past the end) counts against a reading, and the reading with fewer such
//!   boundaries is used for the whole archive (ties go to the standard's code points). The
//!   `origin` attribute is not trusted, because it does not reliably say which tool wrote the file;
//! - paths are `internal://name`, `relative:///…`, `absolute://…` or a bare name. Only the
//!   archive is read: a file outside it is reported missing. `basePath` is never stored (it
//!   may hold a researcher's name), and reasons name files by their file name only;
//! - a source may be missing, empty, rich text only (a `.docx` is read, other formats are
//!   listed), a PDF (its plain-text representation is imported), or a picture, audio or video
//!   (listed; an audio or video transcript's text is imported without its time-based codings).
//!   One such source never fails the whole import;
//! - the XML may be one line, without a declaration, with CRLF or empty descriptions; a root
//!   in another namespace is an error that names the element and both namespaces (a root
//!   without a namespace is read, as some writers omit it); a DTD is refused (entity bombs).
//!
//! Limits: `project.qde` up to 256 MiB, each source text up to 64 MiB (larger ones are left
//! out with the reason), as for Word and text imports.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use roxmltree::{Document, Node, ParsingOptions};
use serde::{Deserialize, Serialize};

use super::{Offsets, CODEBOOK_NS, PROJECT_NS};
use crate::domain::AttrValue;
use crate::import::{decode, MAX_TEXT_BYTES};
use crate::{Error, Location, Result};

/// The largest `project.qde` read.
const MAX_XML_BYTES: u64 = 256 << 20;

/// Something in the file that Polku did not import, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LeftOut {
    pub item: String,
    pub reason: String,
}

/// What a REFI-QDA import brought in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExchangeSummary {
    /// `Project`'s `name`, or empty for a codebook.
    pub project: String,
    pub sources: usize,
    /// Sources the project already had (a merge matches them by their text).
    pub sources_matched: usize,
    /// Codes added under one path while the codebook has a code of the same name under
    /// another: for the user to decide whether they are one code (merge them) or two.
    pub conflicts: Vec<String>,
    /// Codes new to the project, by path.
    pub codes_added: Vec<String>,
    /// Codes that the project already had (same path), used as they are.
    pub codes_matched: usize,
    pub codings: usize,
    pub memos: usize,
    pub cases: usize,
    /// Attribute values set on cases and sources.
    pub values: usize,
    /// The coders the codings and memos are attributed to.
    pub coders: Vec<String>,
    /// How the file's selection offsets were read.
    pub offsets: Offsets,
    pub left_out: Vec<LeftOut>,
}

pub(super) struct Code {
    pub(super) guid: String,
    pub(super) parent: Option<usize>,
    pub(super) name: String,
    pub(super) color: Option<String>,
    pub(super) description: String,
}

/// One coding of a span: the code's GUID and the user's.
pub(super) struct Coding {
    pub(super) code: String,
    pub(super) user: Option<String>,
}

/// A selection in the file's own offsets, then in Polku's.
pub(super) struct Selection {
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) codings: Vec<Coding>,
    pub(super) notes: Vec<String>,
    pub(super) chars: Option<(i64, i64)>,
}

pub(super) struct Source {
    pub(super) guid: String,
    pub(super) name: String,
    pub(super) text: String,
    pub(super) selections: Vec<Selection>,
    pub(super) values: Vec<(String, AttrValue)>,
    pub(super) notes: Vec<String>,
}

pub(super) struct Case {
    pub(super) name: String,
    pub(super) values: Vec<(String, AttrValue)>,
    pub(super) sources: Vec<String>,
}

pub(super) struct Note {
    pub(super) guid: String,
    pub(super) name: String,
    pub(super) text: String,
    pub(super) user: Option<String>,
}

/// A REFI-QDA file read, before anything is stored.
#[derive(Default)]
pub(crate) struct Exchange {
    pub(super) project: String,
    pub(super) users: HashMap<String, String>,
    pub(super) codes: Vec<Code>,
    /// Variable GUID → name.
    pub(super) variables: HashMap<String, String>,
    pub(super) sources: Vec<Source>,
    pub(super) cases: Vec<Case>,
    pub(super) notes: Vec<Note>,
    pub(super) code_notes: Vec<(String, String)>,
    /// Sets of sources: name and members.
    pub(super) sets: Vec<(String, Vec<String>)>,
    pub(super) offsets: Offsets,
    pub(super) left_out: Vec<LeftOut>,
}

impl Exchange {
    /// Sources that will be stored (for previews).
    pub(crate) fn source_count(&self) -> usize {
        self.sources.len()
    }

    fn leave_out(&mut self, item: impl Into<String>, reason: impl Into<String>) {
        self.left_out.push(LeftOut { item: item.into(), reason: reason.into() });
    }
}

/// The archive's entries by lower-case path.
struct Archive<'b> {
    zip: zip::ZipArchive<Cursor<&'b [u8]>>,
    by_path: HashMap<String, usize>,
    /// Entry names as written.
    names: Vec<String>,
}

impl<'b> Archive<'b> {
    fn open(file: &str, bytes: &'b [u8]) -> Result<Self> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            Error::import(file, Location::File, format!("not a REFI-QDA .qdpx project (not a zip archive: {e})"))
        })?;
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.name_for_index(i).and_then(|n| n.ok()).map(|n| n.into_owned()).unwrap_or_default())
            .collect();
        let by_path = names.iter().enumerate().map(|(i, n)| (n.replace('\\', "/").to_lowercase(), i)).collect();
        Ok(Archive { zip, by_path, names })
    }

    /// The entry a REFI path names, tried as `sources/<name>`, as the path itself, and by its
    /// file name anywhere in the archive; or why it cannot be read.
    fn find(&self, path: &str) -> std::result::Result<usize, String> {
        let p = path.trim().replace('\\', "/");
        let lower = p.to_lowercase();
        let (rest, outside) = if let Some(r) = lower.strip_prefix("internal://") {
            (r.to_string(), None)
        } else if let Some(r) = lower.strip_prefix("relative://") {
            (r.trim_start_matches('/').to_string(), Some("a relative path outside the archive"))
        } else if let Some(r) = lower.strip_prefix("absolute://").or_else(|| lower.strip_prefix("file://")) {
            (r.to_string(), Some("an absolute path outside the archive"))
        } else if lower.starts_with('/') || lower.chars().nth(1) == Some(':') {
            (lower.clone(), Some("an absolute path outside the archive"))
        } else {
            (lower.clone(), None)
        };
        let name = rest.rsplit('/').next().unwrap_or(&rest).to_string();
        for candidate in [format!("sources/{rest}"), rest.clone(), format!("sources/{name}")] {
            if let Some(&i) = self.by_path.get(&candidate) {
                return Ok(i);
            }
        }
        if let Some((_, &i)) = self.by_path.iter().find(|(k, _)| k.rsplit('/').next() == Some(name.as_str())) {
            return Ok(i);
        }
        Err(match outside {
            Some(kind) => format!("its file '{name}' is not in the archive ({kind}, which Polku does not read)"),
            None => format!("its file '{name}' is missing from the archive"),
        })
    }

    fn read(&mut self, index: usize, limit: u64) -> std::result::Result<Vec<u8>, String> {
        let entry = self.zip.by_index(index).map_err(|e| format!("it cannot be read from the archive: {e}"))?;
        let mut bytes = Vec::new();
        entry.take(limit + 1).read_to_end(&mut bytes).map_err(|e| format!("it cannot be unpacked: {e}"))?;
        if bytes.len() as u64 > limit {
            return Err(format!("it is larger than {} MiB", limit >> 20));
        }
        Ok(bytes)
    }

    /// The text of the file a REFI path names (decoded, BOM dropped); or why not.
    fn text(&mut self, path: &str) -> std::result::Result<String, String> {
        let i = self.find(path)?;
        let bytes = self.read(i, MAX_TEXT_BYTES as u64)?;
        let name = self.names[i].clone();
        if name.to_lowercase().ends_with(".docx") {
            return crate::import::docx::text(&name, &bytes).map_err(|e| e.to_string());
        }
        if name.to_lowercase().ends_with(".rtf") {
            return Err("it is rich text (.rtf) only, which Polku does not read".into());
        }
        decode::decode(&name, &bytes).map(|(t, _)| t).map_err(|e| e.to_string())
    }
}

/// The elements called `name` among `node`'s children.
fn children<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> Option<Node<'a, 'i>> {
    children(node, name).next()
}

/// All the text inside an element.
fn text_of(node: Node) -> String {
    node.descendants().filter(|d| d.is_text()).filter_map(|d| d.text()).collect()
}

fn attr(node: Node, name: &str) -> Option<String> {
    node.attribute(name).map(str::to_string)
}

fn targets(node: Node, name: &'static str) -> Vec<String> {
    children(node, name).filter_map(|r| attr(r, "targetGUID")).collect()
}

/// Parses the XML of `part` in `file`, checking that its root is `root` in namespace `ns`.
fn parse_xml<'i>(file: &str, part: &str, xml: &'i str, root: &str, ns: &str) -> Result<Document<'i>> {
    let opts = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(xml, opts).map_err(|e| {
        Error::import(
            file,
            Location::Part(part.to_string()),
            format!("not well-formed XML: {e} (line {})", e.pos().row),
        )
    })?;
    let r = doc.root_element();
    let found = r.tag_name().namespace();
    if r.tag_name().name() != root || found.is_some_and(|n| n != ns) {
        return Err(Error::import(
            file,
            Location::Part(part.to_string()),
            format!(
                "the root element <{}> in namespace '{}' is not REFI-QDA's <{root}> in namespace '{ns}'",
                r.tag_name().name(),
                found.unwrap_or("")
            ),
        ));
    }
    Ok(doc)
}

/// The codes under `node` (a `Codes` or `Code` element), depth first, parents before children.
fn read_codes(node: Node, parent: Option<usize>, out: &mut Vec<Code>, notes: &mut Vec<(String, String)>) {
    for c in children(node, "Code") {
        let guid = attr(c, "guid").unwrap_or_default();
        for n in targets(c, "NoteRef") {
            notes.push((n, guid.clone()));
        }
        out.push(Code {
            guid,
            parent,
            name: attr(c, "name").unwrap_or_default(),
            color: attr(c, "color"),
            description: child(c, "Description").map(text_of).unwrap_or_default().trim().to_string(),
        });
        read_codes(c, Some(out.len() - 1), out, notes);
    }
}

/// A `VariableValue`'s value, typed.
fn value_of(v: Node) -> Option<AttrValue> {
    let e = v.children().find(|c| c.is_element() && c.tag_name().name() != "VariableRef")?;
    let t = text_of(e).trim().to_string();
    if t.is_empty() {
        return None;
    }
    Some(match e.tag_name().name() {
        "BooleanValue" => AttrValue::Boolean(t == "true" || t == "1"),
        "IntegerValue" | "FloatValue" => t.parse().map(AttrValue::Number).unwrap_or(AttrValue::Text(t)),
        "DateValue" | "DateTimeValue" => match crate::dates::parse_date(&t.chars().take(10).collect::<String>()) {
            Some(d) => AttrValue::Date(d),
            None => AttrValue::Text(t),
        },
        _ => AttrValue::Text(t),
    })
}

fn values(node: Node, variables: &HashMap<String, String>) -> Vec<(String, AttrValue)> {
    children(node, "VariableValue")
        .filter_map(|v| {
            let name = variables.get(&child(v, "VariableRef").and_then(|r| attr(r, "targetGUID"))?)?;
            Some((name.clone(), value_of(v)?))
        })
        .collect()
}

/// The codings under `node`, each by its own creating user or else by `node`'s (some tools put
/// the user on the selection only).
fn codings(node: Node) -> Vec<Coding> {
    children(node, "Coding")
        .filter_map(|c| {
            Some(Coding {
                code: child(c, "CodeRef").and_then(|r| attr(r, "targetGUID"))?,
                user: attr(c, "creatingUser").or_else(|| attr(node, "creatingUser")),
            })
        })
        .collect()
}

fn label(kind: &str, node: Node) -> String {
    match node.attribute("name").filter(|n| !n.trim().is_empty()) {
        Some(n) => format!("{kind} '{n}'"),
        None => format!("{kind} {}", node.attribute("guid").unwrap_or("without a GUID")),
    }
}

/// Reads a `.qdpx` archive whose offsets are counted as `known` says, or as they look
/// (see the module doc).
pub(crate) fn parse_qdpx(file: &str, bytes: &[u8], known: Option<Offsets>) -> Result<Exchange> {
    let mut archive = Archive::open(file, bytes)?;
    let mut qde: Vec<(&String, &usize)> = archive.by_path.iter().filter(|(n, _)| n.ends_with(".qde")).collect();
    // `project.qde` first, then one at the root, then any.
    qde.sort_by_key(|(n, _)| (n.as_str() != "project.qde", n.contains('/'), n.to_string()));
    let (part, index) = match qde.first() {
        Some((_, &i)) => (archive.names[i].clone(), i),
        None => {
            return Err(Error::import(
                file,
                Location::File,
                "this archive holds no project.qde: it is not a REFI-QDA project",
            ))
        }
    };
    let raw = archive.read(index, MAX_XML_BYTES).map_err(|e| Error::import(file, Location::Part(part.clone()), e))?;
    let (xml, _) = decode::decode(&part, &raw)?;
    let doc = parse_xml(file, &part, &xml, "Project", PROJECT_NS)?;
    let root = doc.root_element();

    let mut x = Exchange { project: attr(root, "name").unwrap_or_default(), ..Default::default() };
    for u in child(root, "Users").into_iter().flat_map(|n| children(n, "User")) {
        if let Some(g) = attr(u, "guid") {
            let name = attr(u, "name").filter(|n| !n.trim().is_empty()).unwrap_or_else(|| format!("User {g}"));
            x.users.insert(g, name);
        }
    }
    if let Some(codes) = child(root, "CodeBook").and_then(|b| child(b, "Codes")) {
        read_codes(codes, None, &mut x.codes, &mut x.code_notes);
    }
    for v in child(root, "Variables").into_iter().flat_map(|n| children(n, "Variable")) {
        if let (Some(g), Some(n)) = (attr(v, "guid"), attr(v, "name")) {
            x.variables.insert(g, n.trim().to_string());
        }
    }
    for s in child(root, "Sources").into_iter().flat_map(|n| n.children().filter(|c| c.is_element())) {
        read_source(&mut archive, s, &mut x);
    }
    for c in child(root, "Cases").into_iter().flat_map(|n| children(n, "Case")) {
        let name =
            attr(c, "name").filter(|n| !n.trim().is_empty()).unwrap_or_else(|| format!("Case {}", x.cases.len() + 1));
        let selections = children(c, "SelectionRef").count();
        if selections > 0 {
            x.leave_out(
                format!("{selections} selection reference(s) of case '{name}'"),
                "Polku's cases hold whole sources",
            );
        }
        x.cases.push(Case { values: values(c, &x.variables), sources: targets(c, "SourceRef"), name });
    }
    for n in child(root, "Notes").into_iter().flat_map(|n| children(n, "Note")) {
        let Some(guid) = attr(n, "guid") else { continue };
        let text = match (child(n, "PlainTextContent"), attr(n, "plainTextPath")) {
            (Some(c), _) => text_of(c),
            (None, Some(path)) => match archive.text(&path) {
                Ok(t) => t,
                Err(reason) => {
                    x.leave_out(label("note", n), reason);
                    continue;
                }
            },
            (None, None) => String::new(),
        };
        x.notes.push(Note { guid, name: attr(n, "name").unwrap_or_default(), text, user: attr(n, "creatingUser") });
    }
    for s in child(root, "Sets").into_iter().flat_map(|n| children(n, "Set")) {
        let name = attr(s, "name").unwrap_or_default();
        let members = targets(s, "MemberSource");
        let others = children(s, "MemberCode").count() + children(s, "MemberNote").count();
        if others > 0 {
            x.leave_out(format!("{others} code or note member(s) of set '{name}'"), "Polku keeps sets of sources only");
        }
        if !members.is_empty() && !name.trim().is_empty() {
            x.sets.push((name.trim().to_string(), members));
        }
    }
    for (kind, what) in [("Links", "link"), ("Graphs", "graph")] {
        let n = child(root, kind).map_or(0, |n| n.children().filter(|c| c.is_element()).count());
        if n > 0 {
            x.leave_out(format!("{n} {what}(s)"), format!("Polku has no {what}s"));
        }
    }
    convert_offsets(&mut x, known);
    Ok(x)
}

/// Reads one child of `Sources`: its text, selections, codings, values and notes.
fn read_source(archive: &mut Archive, s: Node, x: &mut Exchange) {
    let kind = s.tag_name().name();
    let item = label(
        match kind {
            "PDFSource" => "PDF",
            "PictureSource" => "picture",
            "AudioSource" => "audio",
            "VideoSource" => "video",
            _ => "source",
        },
        s,
    );
    // The node that holds the text and its selections: the source itself, a PDF's
    // plain-text representation, or an audio or video source's first transcript.
    let holder = match kind {
        "TextSource" => s,
        "PDFSource" => match child(s, "Representation") {
            Some(r) => {
                let areas = children(s, "PDFSelection").count();
                if areas > 0 {
                    x.leave_out(format!("{areas} area selection(s) of {item}"), "Polku codes text, not page areas");
                }
                r
            }
            None => return x.leave_out(item, "a PDF without a plain-text representation"),
        },
        "AudioSource" | "VideoSource" => {
            let media = if kind == "AudioSource" { "audio" } else { "video" };
            match child(s, "Transcript") {
                Some(t) => {
                    let timed = children(t, "TranscriptSelection").count()
                        + children(s, "AudioSelection").count()
                        + children(s, "VideoSelection").count();
                    if timed > 0 {
                        x.leave_out(
                            format!("{timed} time-based selection(s) of {item}"),
                            format!("Polku keeps the {media}'s transcript as text, not its timeline"),
                        );
                    }
                    t
                }
                None => return x.leave_out(item, format!("{media}: Polku holds text, and there is no transcript")),
            }
        }
        "PictureSource" => return x.leave_out(item, "a picture: Polku holds text"),
        other => return x.leave_out(item, format!("<{other}> is not a source type of REFI-QDA 1.5")),
    };
    let text = match (child(holder, "PlainTextContent"), attr(holder, "plainTextPath"), attr(holder, "richTextPath")) {
        (Some(c), _, _) => Ok(text_of(c)),
        (None, Some(p), _) => archive.text(&p),
        (None, None, Some(p)) => archive.text(&p),
        (None, None, None) => Err("it has no text (no plain-text content or path)".to_string()),
    };
    let text = match text {
        // An empty answer may still carry a score (Polku's own export): decided when stored.
        Ok(t) if t.trim().is_empty() && children(s, "VariableValue").next().is_none() => {
            return x.leave_out(item, "its text is empty")
        }
        Ok(t) => t,
        Err(reason) => return x.leave_out(item, reason),
    };
    let mut selections = Vec::new();
    for sel in children(holder, "PlainTextSelection") {
        let pos = |a: &str| sel.attribute(a).and_then(|v| v.trim().parse::<i64>().ok());
        match (pos("startPosition"), pos("endPosition")) {
            (Some(start), Some(end)) => selections.push(Selection {
                start,
                end,
                codings: codings(sel),
                notes: targets(sel, "NoteRef"),
                chars: None,
            }),
            _ => x.leave_out(label("selection", sel), format!("in {item}: its start or end position is not a number")),
        }
    }
    // Codings of the whole source.
    let whole = [s, holder].iter().flat_map(|n| codings(*n)).collect::<Vec<_>>();
    if !whole.is_empty() {
        let len = text.chars().count() as i64;
        selections.push(Selection { start: 0, end: len, codings: whole, notes: Vec::new(), chars: Some((0, len)) });
    }
    let name =
        attr(s, "name").filter(|n| !n.trim().is_empty()).unwrap_or_else(|| format!("Source {}", x.sources.len() + 1));
    let mut notes = targets(s, "NoteRef");
    if holder != s {
        notes.extend(targets(holder, "NoteRef"));
    }
    x.sources.push(Source {
        guid: attr(s, "guid").unwrap_or_default(),
        name,
        values: values(s, &x.variables),
        text,
        selections,
        notes,
    });
}

/// Char index of each UTF-16 offset that falls on a character boundary.
fn utf16_boundaries(text: &str) -> HashMap<i64, i64> {
    let mut map = HashMap::with_capacity(text.len() + 1);
    let mut u = 0i64;
    for (i, c) in text.chars().enumerate() {
        map.insert(u, i as i64);
        u += c.len_utf16() as i64;
    }
    map.insert(u, text.chars().count() as i64);
    map
}

/// A selection's offsets in Polku's characters under a reading, if they are a range of the text.
fn convert(sel: &Selection, len: i64, utf16: Option<&HashMap<i64, i64>>) -> Option<(i64, i64)> {
    let (start, end) = match utf16 {
        Some(map) => (*map.get(&sel.start)?, *map.get(&sel.end)?),
        None => (sel.start, sel.end),
    };
    (0 <= start && start < end && end <= len).then_some((start, end))
}

/// Whether character offset `at` of `chars` falls inside a word.
fn inside_word(chars: &[char], at: i64) -> bool {
    let at = at as usize;
    at > 0 && at < chars.len() && chars[at - 1].is_alphanumeric() && chars[at].is_alphanumeric()
}

/// Boundaries of the selections that a reading misplaces: inside a word, or not in the text.
fn misplaced(chars: &[char], selections: &[Selection], utf16: Option<&HashMap<i64, i64>>) -> usize {
    selections
        .iter()
        .filter(|s| s.chars.is_none())
        .map(|s| match convert(s, chars.len() as i64, utf16) {
            Some((a, b)) => inside_word(chars, a) as usize + inside_word(chars, b) as usize,
            None => 2,
        })
        .sum()
}

/// Decides how the file counts offsets (see the module doc) and converts every selection.
fn convert_offsets(x: &mut Exchange, known: Option<Offsets>) {
    let (mut as_chars, mut as_utf16) = (0, 0);
    let sources = x.sources.iter().filter(|s| known.is_none() && s.text.chars().any(|c| c.len_utf16() == 2));
    for s in sources {
        let chars: Vec<char> = s.text.chars().collect();
        as_chars += misplaced(&chars, &s.selections, None);
        as_utf16 += misplaced(&chars, &s.selections, Some(&utf16_boundaries(&s.text)));
    }
    x.offsets = known.unwrap_or(if as_utf16 < as_chars { Offsets::Utf16 } else { Offsets::Characters });
    let mut left_out = Vec::new();
    for s in &mut x.sources {
        let len = s.text.chars().count() as i64;
        let map = (x.offsets == Offsets::Utf16).then(|| utf16_boundaries(&s.text));
        for sel in s.selections.iter_mut().filter(|sel| sel.chars.is_none()) {
            sel.chars = convert(sel, len, map.as_ref());
            if sel.chars.is_none() {
                left_out.push(LeftOut {
                    item: format!("selection {}–{} of '{}'", sel.start, sel.end, s.name),
                    reason: format!("it is not a range of the source's {len} characters"),
                });
            }
        }
    }
    x.left_out.extend(left_out);
}

/// Reads a `.qdc` codebook.
pub(crate) fn parse_qdc(file: &str, bytes: &[u8]) -> Result<Exchange> {
    let (xml, _) = decode::decode(file, bytes)?;
    let doc = parse_xml(file, "codebook", &xml, "CodeBook", CODEBOOK_NS)?;
    let mut x = Exchange::default();
    if let Some(codes) = child(doc.root_element(), "Codes") {
        read_codes(codes, None, &mut x.codes, &mut Vec::new());
    }
    if x.codes.is_empty() {
        return Err(Error::import(file, Location::Part("Codes".into()), "the codebook holds no codes"));
    }
    Ok(x)
}
