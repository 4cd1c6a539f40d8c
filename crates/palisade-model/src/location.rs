//! Where a value came from: line and column of every node of a parsed document.
//!
//! The source map mirrors the shape of the JSON value it was parsed with, so resolving a pointer
//! is a walk down the tree, and a pointer to a field that is not there resolves to its nearest
//! existing parent (a rule that says "`runAsNonRoot` is missing" points at the container).

use crate::pointer;

/// A line and column in a file, both counted from 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub line: u32,
    pub column: u32,
}

/// What a pointer resolved to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourcePosition {
    pub location: Location,
    /// False when the pointer names a field that is absent and the location is that of the
    /// nearest existing parent.
    pub exact: bool,
}

/// Positions of the nodes of one document, shaped like its JSON value.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    root: PosNode,
}

/// One node: its own location (for a mapping entry, the location of the key) and its children.
#[derive(Clone, Debug, Default)]
pub(crate) struct PosNode {
    pub(crate) location: Location,
    pub(crate) children: PosChildren,
}

#[derive(Clone, Debug, Default)]
pub(crate) enum PosChildren {
    #[default]
    Leaf,
    Sequence(Vec<PosNode>),
    Mapping(Vec<(String, PosNode)>),
}

impl SourceMap {
    pub(crate) fn new(root: PosNode) -> Self {
        Self { root }
    }

    /// A map that knows only where the document starts (for inputs without positions).
    pub fn at(location: Location) -> Self {
        Self {
            root: PosNode {
                location,
                children: PosChildren::Leaf,
            },
        }
    }

    /// Resolves a JSON pointer to the location of its node, or of the nearest existing parent.
    pub fn resolve(&self, json_pointer: &str) -> SourcePosition {
        let mut node = &self.root;
        for token in pointer::tokens(json_pointer) {
            let child = match &node.children {
                PosChildren::Leaf => None,
                PosChildren::Sequence(items) => {
                    token.parse::<usize>().ok().and_then(|i| items.get(i))
                }
                // Later duplicates win, as they do in the JSON value.
                PosChildren::Mapping(entries) => entries
                    .iter()
                    .rev()
                    .find(|(key, _)| *key == token)
                    .map(|(_, node)| node),
            };
            match child {
                Some(child) => node = child,
                None => {
                    return SourcePosition {
                        location: node.location,
                        exact: false,
                    };
                }
            }
        }
        SourcePosition {
            location: node.location,
            exact: true,
        }
    }

    /// The first and last line of any node at or below the pointer (the lines an object
    /// spans, for quoting); `None` when the pointer does not resolve.
    pub fn line_span(&self, json_pointer: &str) -> Option<(u32, u32)> {
        let node = self.node_at(json_pointer)?;
        let (mut first, mut last) = (node.location.line, node.location.line);
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            first = first.min(node.location.line);
            last = last.max(node.location.line);
            match &node.children {
                PosChildren::Leaf => {}
                PosChildren::Sequence(items) => stack.extend(items.iter()),
                PosChildren::Mapping(entries) => stack.extend(entries.iter().map(|(_, n)| n)),
            }
        }
        Some((first, last))
    }

    /// The positions of the node at a pointer and below, as a map of their own (rooted at that
    /// node); `None` when the pointer does not resolve.
    pub fn subtree(&self, json_pointer: &str) -> Option<SourceMap> {
        self.node_at(json_pointer)
            .map(|node| SourceMap { root: node.clone() })
    }

    fn node_at(&self, json_pointer: &str) -> Option<&PosNode> {
        let mut node = &self.root;
        for token in pointer::tokens(json_pointer) {
            node = match &node.children {
                PosChildren::Leaf => return None,
                PosChildren::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
                PosChildren::Mapping(entries) => {
                    &entries.iter().rev().find(|(key, _)| *key == token)?.1
                }
            };
        }
        Some(node)
    }

    /// The location of the document's root node.
    pub fn root(&self) -> Location {
        self.root.location
    }
}
