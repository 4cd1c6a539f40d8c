//! One resource type, listed page by page (`limit` and `continue`, as kubectl pages), each page
//! turned into objects as a manifest would have them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use kube::Client;
use palisade_model::{Object, Origin};
use serde::Deserialize;
use serde_json::Value;

use crate::discovery::ResourceType;
use crate::request;
use crate::{NotEvaluated, Scope};

/// Objects per page: kubectl's default, small enough that a page is a few megabytes at most.
pub(crate) const PAGE_SIZE: u32 = 500;

/// What the server sends for a metadata-only list: names, labels, annotations, owners; never
/// a Secret's `data`.
const METADATA_ONLY: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/// Kubectl's copy of what was applied: on a Secret it holds the values, so it is dropped as
/// soon as the metadata is read (the metadata-only list still carries annotations).
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    metadata: ListMeta,
    /// `null` in an empty metadata-only list.
    #[serde(default)]
    items: Option<Vec<Value>>,
}

#[derive(Deserialize, Default)]
struct ListMeta {
    #[serde(rename = "continue", default)]
    continue_token: Option<String>,
}

/// Lists one resource type in one scope, handing each page's objects to `page`. Returns how
/// many objects were read, or what stopped the listing (with how many were read before).
pub(crate) async fn list(
    client: &Client,
    resource: &ResourceType,
    namespace: Option<&str>,
    cluster: &str,
    decoding: &AtomicU64,
    page: &mut (dyn FnMut(Vec<Object>) + Send),
) -> Result<usize, NotEvaluated> {
    let scope = match namespace {
        Some(ns) if resource.namespaced => Scope::Namespace(ns.to_string()),
        _ => Scope::ClusterWide,
    };
    let accept = if resource.wanted.metadata_only {
        METADATA_ONLY
    } else {
        "application/json"
    };
    let collection = resource.path(namespace);
    let mut token: Option<String> = None;
    let mut read = 0;
    let mut not_objects = 0;
    loop {
        let mut path = format!("{collection}?limit={PAGE_SIZE}");
        if let Some(token) = &token {
            path.push_str("&continue=");
            path.push_str(&encode_query(token));
        }
        let not_evaluated = |reason: String, read: usize| NotEvaluated {
            resource: resource.display_name(),
            scope: scope.clone(),
            reason,
            objects_read: read,
        };
        let body = match request::get(client, &path, accept).await {
            Ok(body) => body,
            Err(failure) if failure.status == Some(410) && token.is_some() => {
                return Err(not_evaluated(
                    format!(
                        "the list's continue token expired after {read} objects (410 Gone); \
                         the rest were not read"
                    ),
                    read,
                ));
            }
            Err(failure) => return Err(not_evaluated(failure.describe(), read)),
        };
        let started = Instant::now();
        let parsed: Page = serde_json::from_slice(&body).map_err(|e| {
            not_evaluated(
                format!("the server's answer could not be decoded: {e}"),
                read,
            )
        })?;
        let items = parsed.items.unwrap_or_default();
        let listed = items.len();
        let objects: Vec<Object> = items
            .into_iter()
            .filter_map(|item| to_object(item, resource, cluster))
            .collect();
        not_objects += listed - objects.len();
        drop(body);
        let spent = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        decoding.fetch_add(spent, Ordering::Relaxed);
        read += objects.len();
        page(objects);
        match parsed.metadata.continue_token {
            Some(next) if !next.is_empty() => token = Some(next),
            _ if not_objects > 0 => {
                return Err(not_evaluated(
                    format!("{not_objects} of its items are not objects and were not checked"),
                    read,
                ));
            }
            _ => return Ok(read),
        }
    }
}

/// An item of a list as a manifest would have it: `apiVersion` and `kind` (list items leave
/// them out), no `managedFields` (bookkeeping that can be most of an object's size), and a
/// Secret's metadata without kubectl's copy of its values.
pub(crate) fn to_object(mut item: Value, resource: &ResourceType, cluster: &str) -> Option<Object> {
    let map = item.as_object_mut()?;
    map.insert(
        "apiVersion".into(),
        Value::String(resource.api_version.clone()),
    );
    map.insert(
        "kind".into(),
        Value::String(resource.wanted.kind.to_string()),
    );
    if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
        metadata.remove("managedFields");
        if resource.wanted.metadata_only
            && let Some(Value::Object(annotations)) = metadata.get_mut("annotations")
        {
            annotations.remove(LAST_APPLIED);
        }
    }
    let path = object_path(cluster, &item, resource.wanted.kind);
    let origin = Origin {
        path: Arc::from(path),
        document: 0,
        item: None,
        template: None,
    };
    Object::detached(item, origin).ok()
}

/// `cluster/namespace/Kind/name`, or `cluster/Kind/name` for what has no namespace: where a
/// finding is, in place of a file and line.
pub fn object_path(cluster: &str, item: &Value, kind: &str) -> String {
    let metadata = item.get("metadata");
    let field = |key: &str| metadata.and_then(|m| m.get(key)).and_then(Value::as_str);
    let name = field("name").unwrap_or("");
    match field("namespace").filter(|ns| !ns.is_empty()) {
        Some(ns) => format!("{cluster}/{ns}/{kind}/{name}"),
        None => format!("{cluster}/{kind}/{name}"),
    }
}

/// Percent-encodes a continue token for a query string (they are base64 and may hold `+`, `/`
/// and `=`).
fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::WANTED;
    use serde_json::json;

    fn resource(kind: &str, api_version: &str, plural: &str) -> ResourceType {
        ResourceType {
            wanted: *WANTED.iter().find(|w| w.kind == kind).unwrap(),
            api_version: api_version.into(),
            plural: plural.into(),
            namespaced: true,
        }
    }

    #[test]
    fn a_secrets_metadata_keeps_no_copy_of_its_values() {
        let item = json!({
            "apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata",
            "metadata": {"name": "db", "namespace": "shop", "managedFields": [{}],
                "annotations": {LAST_APPLIED: "{\"data\":{\"password\":\"aHVudGVyMg==\"}}", "team": "a"}}
        });
        let object = to_object(item, &resource("Secret", "v1", "secrets"), "prod").unwrap();
        assert_eq!(
            (object.api_version.as_str(), object.kind.as_str()),
            ("v1", "Secret")
        );
        assert_eq!(&*object.origin.path, "prod/shop/Secret/db");
        let text = object.value.to_string();
        assert!(!text.contains("aHVudGVyMg"), "{text}");
        assert!(!text.contains("managedFields"), "{text}");
        assert_eq!(object.annotations().map(|a| a.len()), Some(1));
    }

    #[test]
    fn other_objects_keep_kubectls_annotation() {
        let item = json!({"metadata": {"name": "web", "namespace": "shop",
            "annotations": {LAST_APPLIED: "{}"}}});
        let object =
            to_object(item, &resource("Deployment", "apps/v1", "deployments"), "c").unwrap();
        assert_eq!(object.api_version, "apps/v1");
        assert!(
            object
                .annotations()
                .is_some_and(|a| a.contains_key(LAST_APPLIED))
        );
    }

    #[test]
    fn continue_tokens_are_encoded() {
        assert_eq!(encode_query("eyJ2Ijo+/=="), "eyJ2Ijo%2B%2F%3D%3D");
    }
}
