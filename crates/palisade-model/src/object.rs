//! A Kubernetes object as rules see it: its identity, its JSON value and where it came from.

use std::sync::Arc;

use serde_json::Value;

use crate::location::{SourceMap, SourcePosition};
use crate::pointer;

/// Where an object came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The path as the user gave it (`<stdin>` for standard input; a cluster or admission
    /// request name for other front ends).
    pub path: Arc<str>,
    /// The 0-based index of the document in the file.
    pub document: usize,
    /// The 0-based index in the `items` of a `List`, when the object was unpacked from one.
    pub item: Option<usize>,
    /// The template that rendered the document, when the input is rendered output that says
    /// so (Helm's `# Source:` comments): reports point there rather than at the stream.
    pub template: Option<Arc<TemplateSource>>,
}

/// The template a rendered document came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateSource {
    /// The template's path as the renderer names it (`mychart/templates/deployment.yaml`).
    pub path: Arc<str>,
    /// The stream's line holding the `# Source:` comment: line `n` of the stream is line
    /// `n - comment_line` of the template's rendered output.
    pub comment_line: u32,
}

impl TemplateSource {
    /// The line in the template's rendered output of a line of the stream.
    pub fn line_of(&self, stream_line: u32) -> u32 {
        stream_line.saturating_sub(self.comment_line).max(1)
    }
}

/// The identity of an object, as reports print it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind, ns, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// One Kubernetes object.
#[derive(Clone, Debug)]
pub struct Object {
    pub api_version: String,
    pub kind: String,
    pub value: Value,
    pub origin: Origin,
    source_map: Arc<SourceMap>,
    /// The pointer of this object inside the parsed document (`/items/3` for a `List` item).
    base: String,
}

impl Object {
    /// Builds an object from a value that has string `apiVersion` and `kind`, or gives the value
    /// back when it does not.
    pub fn from_value(
        value: Value,
        origin: Origin,
        source_map: Arc<SourceMap>,
        base: String,
    ) -> Result<Self, (Value, &'static str)> {
        let api_version = match value.get("apiVersion") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => return Err((value, "it has no apiVersion")),
        };
        let kind = match value.get("kind") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => return Err((value, "it has no kind")),
        };
        Ok(Self {
            api_version,
            kind,
            value,
            origin,
            source_map,
            base,
        })
    }

    /// An object with no source positions (built in code or received over the network).
    pub fn detached(value: Value, origin: Origin) -> Result<Self, (Value, &'static str)> {
        Self::from_value(value, origin, Arc::new(SourceMap::default()), String::new())
    }

    /// The API group: empty for the core group.
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    /// The API version without the group.
    pub fn version(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or(self.api_version.as_str(), |(_, v)| v)
    }

    pub fn metadata(&self) -> Option<&Value> {
        self.value.get("metadata")
    }

    /// `metadata.name`, or `generateName` followed by `*`, or empty.
    pub fn name(&self) -> &str {
        self.metadata_str("name")
            .or_else(|| self.metadata_str("generateName"))
            .unwrap_or("")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.metadata_str("namespace").filter(|ns| !ns.is_empty())
    }

    fn metadata_str(&self, key: &str) -> Option<&str> {
        self.metadata()?.get(key)?.as_str()
    }

    pub fn labels(&self) -> Option<&serde_json::Map<String, Value>> {
        self.metadata()?.get("labels")?.as_object()
    }

    pub fn annotations(&self) -> Option<&serde_json::Map<String, Value>> {
        self.metadata()?.get("annotations")?.as_object()
    }

    pub fn object_ref(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            namespace: self.namespace().map(str::to_owned),
            name: self.name().to_owned(),
        }
    }

    /// Resolves a pointer into this object to a position in its file.
    pub fn resolve(&self, json_pointer: &str) -> SourcePosition {
        if self.base.is_empty() {
            self.source_map.resolve(json_pointer)
        } else {
            self.source_map
                .resolve(&format!("{}{}", self.base, json_pointer))
        }
    }

    /// The first and last line the object spans in its file.
    pub fn line_span(&self) -> Option<(u32, u32)> {
        self.source_map.line_span(&self.base)
    }

    /// A copy that owns only its own positions, not those of the whole document it came from
    /// (a `List` holds all its items), in freshly allocated memory: what to keep of an object
    /// after its file is dropped.
    pub fn compact_copy(&self) -> Self {
        let source_map = match self.source_map.subtree(&self.base) {
            Some(own) if !self.base.is_empty() => Arc::new(own),
            _ => Arc::new(SourceMap::clone(&self.source_map)),
        };
        Self {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            value: self.value.clone(),
            origin: self.origin.clone(),
            source_map,
            base: String::new(),
        }
    }

    /// The value at a pointer, if there is one.
    pub fn at(&self, json_pointer: &str) -> Option<&Value> {
        self.value.pointer(json_pointer)
    }

    /// A pointer to `key` under the object's metadata.
    pub fn metadata_pointer(key: &str) -> String {
        pointer::join("/metadata", key)
    }
}
