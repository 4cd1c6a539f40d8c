//! The rule catalog, one file per rule, grouped by category (one folder each).

pub(crate) mod api_lifecycle;
pub(crate) mod containers;
pub(crate) mod identity;
pub(crate) mod images;
pub(crate) mod namespaces;
pub(crate) mod network;
pub(crate) mod pss;
pub(crate) mod rbac;
pub(crate) mod reliability;
pub(crate) mod secrets;

/// Where the rules about references between objects look a name up: the object's namespace,
/// or, for an object that names none, the directory it was read from. Objects without a
/// namespace go wherever they are applied, so two of them in unrelated directories of one
/// repository are no evidence of one another.
pub(crate) type Scope<'a> = (Option<&'a str>, Option<&'a str>);

pub(crate) fn scope(object: &palisade_model::Object) -> Scope<'_> {
    match object.namespace() {
        Some(namespace) => (Some(namespace), None),
        None => {
            let path: &str = &object.origin.path;
            let directory = path.rsplit_once('/').map_or("", |(dir, _)| dir);
            (None, Some(directory))
        }
    }
}

/// `namespace "shop"`, or where objects that name no namespace are applied, for the
/// messages of rules about references between objects.
pub(crate) fn describe_scope(scope: Scope<'_>) -> String {
    match scope {
        (Some(ns), _) => format!("namespace \"{ns}\""),
        (None, _) => "their namespace".to_string(),
    }
}

/// A name a templating step has yet to fill in (`$SA_NAME`, `${NAME}`, `<name>`): what it
/// will become is not in the input, so it refers to nothing yet.
pub(crate) fn is_placeholder(name: &str) -> bool {
    name.contains(['$', '{', '}', '<', '>'])
}
