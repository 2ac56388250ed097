//! The search language researchers type, parsed into an expression tree.
//!
//! ```text
//! delivery                    a word (stemmed per language)
//! "customer success manager"  a phrase
//! toimit*   delivry~  delivry~2   prefix, fuzzy (edit distance 1 or 2)
//! price AND (support OR tuki) NOT sync   -sync   boolean logic; juxtaposition means AND
//! kind:review  phase:onboarding  speaker:aino  lang:fi  channel:email  case:"Acme Oy"
//! code:Pricing  segment:SMB (any case or source attribute)
//! date:2025-03..2025-06  date:>=2025  score:0..6  score:>=9
//! ```
//! `AND`, `OR` and `NOT` are operators only in capitals, so `or` and `and` stay words.

use crate::{Error, Result};

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Word(String),
    Prefix(String),
    Fuzzy(String, u8),
    Phrase(String),
    Filter(Filter),
}

/// A restriction on a segment's metadata rather than its words.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Kind(String),
    Phase(String),
    Speaker(String),
    Lang(String),
    Channel(String),
    Case(String),
    Code(String),
    Source(i64),
    /// A case or source attribute: `name=value`.
    Attribute {
        name: String,
        value: String,
    },
    /// Inclusive `YYYYMMDD` bounds.
    Date {
        from: Option<i64>,
        to: Option<i64>,
    },
    /// Inclusive score bounds.
    Score {
        from: Option<f64>,
        to: Option<f64>,
    },
}

/// Field names with a built-in meaning; any other `name:value` is an attribute filter.
pub const FIELDS: [&str; 11] =
    ["kind", "phase", "speaker", "lang", "channel", "case", "code", "source", "date", "score", "attr"];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Not,
    /// A bare or quoted word, with its start position; `field` when written `field:value`.
    Atom {
        field: Option<String>,
        value: String,
        quoted: bool,
        pos: usize,
    },
}

fn lex(input: &str) -> Result<Vec<Tok>> {
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |msg: &str, pos: usize| Error::Query { message: msg.to_string(), position: pos };
    while i < chars.len() {
        let (_, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let char_pos = i;
        match c {
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            '-' if i + 1 < chars.len() && !chars[i + 1].1.is_whitespace() => {
                out.push(Tok::Not);
                i += 1;
            }
            '"' => {
                let (value, next) = read_quoted(&chars, i).ok_or_else(|| err("unclosed quote", char_pos))?;
                out.push(Tok::Atom { field: None, value, quoted: true, pos: char_pos });
                i = next;
            }
            _ => {
                let start = i;
                let mut word = String::new();
                while i < chars.len() && !chars[i].1.is_whitespace() && !"()\"".contains(chars[i].1) {
                    if chars[i].1 == ':' && !word.is_empty() && !word.contains(':') {
                        break;
                    }
                    word.push(chars[i].1);
                    i += 1;
                }
                if i < chars.len() && chars[i].1 == ':' {
                    // field:value or field:"quoted value"
                    i += 1;
                    let field = word.to_lowercase();
                    let (value, quoted) = if i < chars.len() && chars[i].1 == '"' {
                        let (v, next) = read_quoted(&chars, i).ok_or_else(|| err("unclosed quote", i))?;
                        i = next;
                        (v, true)
                    } else {
                        let mut v = String::new();
                        while i < chars.len() && !chars[i].1.is_whitespace() && !"()".contains(chars[i].1) {
                            v.push(chars[i].1);
                            i += 1;
                        }
                        (v, false)
                    };
                    if value.is_empty() {
                        return Err(err(&format!("'{field}:' needs a value"), start));
                    }
                    out.push(Tok::Atom { field: Some(field), value, quoted, pos: start });
                    continue;
                }
                match word.as_str() {
                    "AND" | "&&" => out.push(Tok::And),
                    "OR" | "||" => out.push(Tok::Or),
                    "NOT" => out.push(Tok::Not),
                    _ => out.push(Tok::Atom { field: None, value: word, quoted: false, pos: start }),
                }
            }
        }
    }
    Ok(out)
}

fn read_quoted(chars: &[(usize, char)], open: usize) -> Option<(String, usize)> {
    let mut s = String::new();
    let mut i = open + 1;
    while i < chars.len() {
        if chars[i].1 == '"' {
            return Some((s, i + 1));
        }
        s.push(chars[i].1);
        i += 1;
    }
    None
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
    len: usize,
}

/// Parses a query string. An empty query is an error: there is nothing to look for.
pub fn parse(input: &str) -> Result<Expr> {
    let toks = lex(input)?;
    if toks.is_empty() {
        return Err(Error::Query { message: "the query is empty".into(), position: 0 });
    }
    let mut p = Parser { toks, at: 0, len: input.chars().count() };
    let e = p.or()?;
    if p.at < p.toks.len() {
        return Err(p.err("unexpected ')'"));
    }
    Ok(e)
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn err(&self, msg: &str) -> Error {
        let position = match self.toks.get(self.at) {
            Some(Tok::Atom { pos, .. }) => *pos,
            _ => self.len,
        };
        Error::Query { message: msg.to_string(), position }
    }

    fn or(&mut self) -> Result<Expr> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 { parts.pop().unwrap() } else { Expr::Or(parts) })
    }

    fn and(&mut self) -> Result<Expr> {
        let mut parts = vec![self.unary()?];
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    self.at += 1;
                    parts.push(self.unary()?);
                }
                Some(Tok::Not | Tok::Open | Tok::Atom { .. }) => parts.push(self.unary()?),
                _ => break,
            }
        }
        Ok(if parts.len() == 1 { parts.pop().unwrap() } else { Expr::And(parts) })
    }

    fn unary(&mut self) -> Result<Expr> {
        match self.peek().cloned() {
            Some(Tok::Not) => {
                self.at += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Some(Tok::Open) => {
                self.at += 1;
                let e = self.or()?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(self.err("missing ')'"));
                }
                self.at += 1;
                Ok(e)
            }
            Some(Tok::Atom { field, value, quoted, pos }) => {
                self.at += 1;
                match field {
                    Some(f) => filter(&f, &value, pos).map(Expr::Filter),
                    None if quoted => Ok(Expr::Phrase(value)),
                    None => Ok(word(&value)),
                }
            }
            Some(Tok::Close) => Err(self.err("unexpected ')'")),
            Some(Tok::And | Tok::Or) => Err(self.err("AND/OR needs something on both sides")),
            None => Err(self.err("the query ends too early")),
        }
    }
}

fn word(w: &str) -> Expr {
    if let Some(p) = w.strip_suffix('*') {
        if !p.is_empty() {
            return Expr::Prefix(p.to_string());
        }
    }
    if let Some((base, d)) = w.rsplit_once('~') {
        if !base.is_empty() {
            let distance = match d {
                "" | "1" => 1,
                _ => 2,
            };
            return Expr::Fuzzy(base.to_string(), distance);
        }
    }
    Expr::Word(w.to_string())
}

fn filter(field: &str, value: &str, pos: usize) -> Result<Filter> {
    let bad = |msg: String| Error::Query { message: msg, position: pos };
    Ok(match field {
        "kind" => {
            Filter::Kind(crate::domain::SourceKind::parse(value).map_err(|e| bad(e.to_string()))?.as_str().into())
        }
        "phase" => Filter::Phase(value.to_string()),
        "speaker" => Filter::Speaker(value.to_string()),
        "lang" | "language" => Filter::Lang(crate::language::normalize(value)),
        "channel" => Filter::Channel(value.to_lowercase()),
        "case" => Filter::Case(value.to_string()),
        "code" => Filter::Code(value.to_string()),
        "source" => Filter::Source(value.parse().map_err(|_| bad(format!("source:{value} needs a source id")))?),
        "date" => {
            let (from, to) = range(value, date_bound).ok_or_else(|| {
                bad(format!("'{value}' is not a date or date range (e.g. 2025-03..2025-06, >=2025-01-15)"))
            })?;
            Filter::Date { from, to }
        }
        "score" => {
            let (from, to) = range(value, score_bound)
                .ok_or_else(|| bad(format!("'{value}' is not a score or score range (e.g. 0..6, >=9)")))?;
            Filter::Score { from, to }
        }
        "attr" => {
            let (name, v) = value.split_once('=').ok_or_else(|| bad("attr: needs name=value".into()))?;
            Filter::Attribute { name: name.to_lowercase(), value: v.to_lowercase() }
        }
        other => Filter::Attribute { name: other.to_string(), value: value.to_lowercase() },
    })
}

/// Which end of a range a value is parsed for: `>=`/`..` give inclusive bounds, `>` and `<`
/// strict ones, which the bound parsers turn into the next inclusive value.
#[derive(Clone, Copy, PartialEq)]
enum End {
    Lower,
    Upper,
    After,
    Before,
}

/// Parses `a..b`, `a..`, `..b`, `>=a`, `>a`, `<=b`, `<b` or a single value into inclusive bounds.
fn range<T>(v: &str, parse: impl Fn(&str, End) -> Option<T>) -> Option<(Option<T>, Option<T>)> {
    if let Some((a, b)) = v.split_once("..") {
        let lo = if a.is_empty() { None } else { Some(parse(a, End::Lower)?) };
        let hi = if b.is_empty() { None } else { Some(parse(b, End::Upper)?) };
        return (lo.is_some() || hi.is_some()).then_some((lo, hi));
    }
    Some(if let Some(a) = v.strip_prefix(">=") {
        (Some(parse(a, End::Lower)?), None)
    } else if let Some(b) = v.strip_prefix("<=") {
        (None, Some(parse(b, End::Upper)?))
    } else if let Some(a) = v.strip_prefix('>') {
        (Some(parse(a, End::After)?), None)
    } else if let Some(b) = v.strip_prefix('<') {
        (None, Some(parse(b, End::Before)?))
    } else {
        (Some(parse(v, End::Lower)?), Some(parse(v, End::Upper)?))
    })
}

fn score_bound(s: &str, end: End) -> Option<f64> {
    let v: f64 = s.replace(',', ".").parse().ok().filter(|v: &f64| v.is_finite())?;
    // Scores are given in whole or half steps; a tiny nudge makes a strict bound inclusive.
    Some(match end {
        End::After => v + 1e-6,
        End::Before => v - 1e-6,
        _ => v,
    })
}

/// `2025` → Jan 1 (or Dec 31 as an upper bound), `2025-03` → the month's first (last) day;
/// strict bounds move to the day after (before) the period.
fn date_bound(s: &str, end: End) -> Option<i64> {
    use chrono::Days;
    let period = crate::dates::parse_period(s)?;
    let day = match end {
        End::Lower => period.first,
        End::Upper => period.last,
        End::After => period.last.checked_add_days(Days::new(1))?,
        End::Before => period.first.checked_sub_days(Days::new(1))?,
    };
    Some(crate::dates::day_key(day) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boolean_structure_and_precedence() {
        let e = parse("price (support OR tuki) NOT sync").unwrap();
        assert_eq!(
            e,
            Expr::And(vec![
                Expr::Word("price".into()),
                Expr::Or(vec![Expr::Word("support".into()), Expr::Word("tuki".into())]),
                Expr::Not(Box::new(Expr::Word("sync".into()))),
            ])
        );
        assert_eq!(
            parse("a OR b c").unwrap(),
            Expr::Or(vec![Expr::Word("a".into()), Expr::And(vec![Expr::Word("b".into()), Expr::Word("c".into())])])
        );
        assert_eq!(parse("-sync").unwrap(), Expr::Not(Box::new(Expr::Word("sync".into()))));
        assert_eq!(parse("or and").unwrap(), Expr::And(vec![Expr::Word("or".into()), Expr::Word("and".into())]));
    }

    #[test]
    fn phrases_prefix_fuzzy() {
        assert_eq!(parse("\"customer success\"").unwrap(), Expr::Phrase("customer success".into()));
        assert_eq!(parse("toimit*").unwrap(), Expr::Prefix("toimit".into()));
        assert_eq!(parse("delivry~").unwrap(), Expr::Fuzzy("delivry".into(), 1));
        assert_eq!(parse("delivry~2").unwrap(), Expr::Fuzzy("delivry".into(), 2));
    }

    #[test]
    fn filters_and_ranges() {
        assert_eq!(parse("kind:support").unwrap(), Expr::Filter(Filter::Kind("support_message".into())));
        assert_eq!(parse("case:\"Acme Oy\"").unwrap(), Expr::Filter(Filter::Case("Acme Oy".into())));
        assert_eq!(
            parse("date:2025-03..2025-06").unwrap(),
            Expr::Filter(Filter::Date { from: Some(20250301), to: Some(20250630) })
        );
        assert_eq!(
            parse("date:2025").unwrap(),
            Expr::Filter(Filter::Date { from: Some(20250101), to: Some(20251231) })
        );
        assert_eq!(parse("date:>2025-02").unwrap(), Expr::Filter(Filter::Date { from: Some(20250301), to: None }));
        assert_eq!(parse("date:<2025").unwrap(), Expr::Filter(Filter::Date { from: None, to: Some(20241231) }));
        assert_eq!(parse("score:>=9").unwrap(), Expr::Filter(Filter::Score { from: Some(9.0), to: None }));
        assert_eq!(parse("score:0..6").unwrap(), Expr::Filter(Filter::Score { from: Some(0.0), to: Some(6.0) }));
        assert_eq!(
            parse("segment:SMB").unwrap(),
            Expr::Filter(Filter::Attribute { name: "segment".into(), value: "smb".into() })
        );
    }

    #[test]
    fn errors_point_at_the_problem() {
        match parse("price AND") {
            Err(Error::Query { position, .. }) => assert_eq!(position, 9),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("\"open phrase"), Err(Error::Query { position: 0, .. })));
        assert!(matches!(parse("date:soon"), Err(Error::Query { .. })));
        assert!(matches!(parse("kind:podcast"), Err(Error::Query { .. })));
        assert!(matches!(parse("(a b"), Err(Error::Query { .. })));
        assert!(matches!(parse("   "), Err(Error::Query { .. })));
    }
}
