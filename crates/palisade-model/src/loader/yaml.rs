//! One YAML (or JSON) document to a JSON value plus its source map, in a single pass.
//!
//! serde-saphyr was chosen as the parser because it is the one YAML library for Rust that is at
//! once panic-free, position-aware (`Spanned`), bounded on hostile input (budgets on depth,
//! nodes, aliases and alias replay, so a billion-laughs file or 10,000 levels of nesting end in
//! an error) and able to read scalars as Kubernetes does (YAML 1.1 booleans such as `yes`/`on`,
//! legacy octal such as `0644`). The visitor below builds the value and the positions together,
//! so no second walk is needed.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;

use super::limits;
use crate::location::{Location, PosChildren, PosNode};

/// Limits that keep a hostile document bounded in time and memory.
///
/// Nesting of 128 is well above what real manifests reach (the deepest CRD in the corpus nests 35) and
/// far below what would strain the stack. The node and event budgets admit documents of tens of
/// megabytes; beyond that a document fails with a clear error instead of growing without bound.
pub(super) const MAX_DEPTH: usize = 128;
pub(super) const MAX_NODES: usize = 5_000_000;
pub(super) const MAX_EVENTS: usize = 20_000_000;
pub(super) const MAX_ALIASES: usize = 10_000;
pub(super) const MAX_REPLAYED_EVENTS: usize = 100_000;

/// A parsed document: the value and where each of its nodes came from.
pub(crate) struct ParsedDocument {
    pub(crate) value: Value,
    pub(crate) root: PosNode,
}

/// A document that failed to parse.
#[derive(Debug)]
pub(crate) struct ParseFailure {
    pub(crate) message: String,
    pub(crate) location: Option<Location>,
}

fn options() -> serde_saphyr::Options {
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = MAX_REPLAYED_EVENTS;
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_events: MAX_EVENTS,
            max_aliases: MAX_ALIASES,
            max_reader_input_bytes: None,
        },
        alias_limits: alias_limits,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        legacy_octal_numbers: true,
        strict_booleans: false,
    }
}

/// Parses every document of `text` (usually exactly one: the caller splits streams).
/// Empty and comment-only documents yield nothing. `start` is where `text` begins in the file,
/// so reported positions count from the start of the file.
pub(crate) fn parse_documents(
    text: &str,
    start: Location,
) -> Result<Vec<ParsedDocument>, ParseFailure> {
    let documents: Vec<Spanned<Root>> = serde_saphyr::from_multiple_with_options(text, options())
        .map_err(|error| ParseFailure {
        message: describe(&error),
        location: error
            .location()
            .filter(|l| l.line() > 0)
            .map(|l| shift(location_of(&l), start)),
    })?;
    Ok(documents
        .into_iter()
        .map(|doc| {
            let Root(located) = doc.value;
            let mut root = located.node;
            root.location = shift(location_of(&doc.referenced), start);
            shift_children(&mut root.children, start);
            ParsedDocument {
                value: located.value,
                root,
            }
        })
        .collect())
}

fn describe(error: &serde_saphyr::Error) -> String {
    if let Some(limit) = limits::describe(error) {
        return limit;
    }
    let rendered = error.without_snippet().to_string();
    // The location is reported separately, so drop serde-saphyr's " at line X, column Y".
    let trimmed = match rendered.find(" at line ") {
        Some(at) => &rendered[..at],
        None => rendered.as_str(),
    };
    trimmed.trim().to_string()
}

/// A position within the chunk, moved to where the chunk starts in the file: lines after the
/// first shift down, and the first line also shifts right when the chunk starts mid-line (a
/// JSON value after another on the same line).
fn shift(location: Location, start: Location) -> Location {
    let line_offset = start.line.saturating_sub(1);
    let column_offset = if location.line == 1 {
        start.column.saturating_sub(1)
    } else {
        0
    };
    Location {
        line: location.line.saturating_add(line_offset),
        column: location.column.saturating_add(column_offset),
    }
}

/// Positions were counted within the chunk; make them count within the file.
fn shift_children(children: &mut PosChildren, start: Location) {
    if start.line <= 1 && start.column <= 1 {
        return;
    }
    // An explicit stack: the tree can be as deep as MAX_DEPTH.
    let mut stack: Vec<&mut PosChildren> = vec![children];
    while let Some(children) = stack.pop() {
        match children {
            PosChildren::Leaf => {}
            PosChildren::Sequence(items) => {
                for item in items {
                    item.location = shift(item.location, start);
                    stack.push(&mut item.children);
                }
            }
            PosChildren::Mapping(entries) => {
                for (_, item) in entries {
                    item.location = shift(item.location, start);
                    stack.push(&mut item.children);
                }
            }
        }
    }
}

/// A value together with the positions of its children (its own position is held by the
/// `Spanned` around it).
struct Located {
    value: Value,
    node: PosNode,
}

impl Located {
    fn leaf(value: Value) -> Self {
        Self {
            value,
            node: PosNode::default(),
        }
    }
}

fn location_of(span: &serde_saphyr::Location) -> Location {
    Location {
        line: u32::try_from(span.line()).unwrap_or(u32::MAX),
        column: u32::try_from(span.column()).unwrap_or(u32::MAX),
    }
}

impl<'de> Deserialize<'de> for Located {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LocatedVisitor { root: false })
    }
}

/// A document's root node, which may skip building the bodies nobody reads.
struct Root(Located);

impl<'de> Deserialize<'de> for Root {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(LocatedVisitor { root: true })
            .map(Root)
    }
}

/// Kinds whose body (everything but `apiVersion`, `kind` and `metadata`) no rule reads.
///
/// CustomResourceDefinitions are a third of the bytes of typical inputs (one schema can reach a
/// megabyte) and no rule looks inside them. Their bodies are still parsed, so syntax errors and
/// resource limits are reported exactly as before, but no value or source map is built for
/// them. The body is only skipped when `apiVersion` and `kind` come before it, as they do in
/// practice; otherwise the document is built in full.
fn body_unread(api_version: Option<&str>, kind: Option<&str>) -> bool {
    kind == Some("CustomResourceDefinition")
        && api_version.is_some_and(|v| v.starts_with("apiextensions.k8s.io/"))
}

struct LocatedVisitor {
    root: bool,
}

impl<'de> Visitor<'de> for LocatedVisitor {
    type Value = Located;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Located, E> {
        Ok(Located::leaf(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Located, E> {
        Ok(Located::leaf(Value::Number(v.into())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Located, E> {
        Ok(Located::leaf(Value::Number(v.into())))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Located, E> {
        // Out of the JSON number range: keep the digits rather than lose the value.
        Ok(Located::leaf(Value::String(v.to_string())))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Located, E> {
        Ok(Located::leaf(Value::String(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Located, E> {
        Ok(Located::leaf(
            Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Located, E> {
        Ok(Located::leaf(Value::String(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Located, E> {
        Ok(Located::leaf(Value::String(v)))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Located, E> {
        Ok(Located::leaf(Value::String(
            String::from_utf8_lossy(v).into_owned(),
        )))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Located, E> {
        Ok(Located::leaf(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Located, E> {
        Ok(Located::leaf(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Located, D::Error> {
        Located::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Located, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let mut nodes = Vec::with_capacity(values.capacity());
        while let Some(item) = grow(|| seq.next_element::<Spanned<Located>>())? {
            let mut node = item.value.node;
            node.location = location_of(&item.referenced);
            nodes.push(node);
            values.push(item.value.value);
        }
        Ok(Located {
            value: Value::Array(values),
            node: PosNode {
                location: Location::default(),
                children: PosChildren::Sequence(nodes),
            },
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Located, A::Error> {
        let mut values = Map::new();
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(key) = map.next_key::<Spanned<Key>>()? {
            if self.root
                && !matches!(key.value.0.as_str(), "apiVersion" | "kind" | "metadata")
                && body_unread(
                    values.get("apiVersion").and_then(Value::as_str),
                    values.get("kind").and_then(Value::as_str),
                )
            {
                map.next_value::<de::IgnoredAny>()?;
                continue;
            }
            let item: Spanned<Located> = grow(|| map.next_value())?;
            let mut node = item.value.node;
            node.location = location_of(&key.referenced);
            entries.push((key.value.0.clone(), node));
            values.insert(key.value.0, item.value.value);
        }
        Ok(Located {
            value: Value::Object(values),
            node: PosNode {
                location: Location::default(),
                children: PosChildren::Mapping(entries),
            },
        })
    }
}

/// Runs one level of the recursive descent with enough stack for it.
///
/// The parser and this visitor recurse once per nesting level, and a level costs tens of
/// kilobytes of stack in a debug build; `stacker` moves deep descents to heap-allocated stack
/// segments, so the depth budget, not the thread's stack size, is what bounds nesting.
fn grow<T>(step: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, step)
}

/// A mapping key as text, whatever scalar type YAML resolved it to (as `sigs.k8s.io/yaml`
/// turns every key into a JSON string).
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a scalar mapping key")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(Key(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Key, E> {
        Ok(Key(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key("null".to_owned()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key("null".to_owned()))
    }
}
