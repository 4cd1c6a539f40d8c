//! The AdmissionReview envelope: decoding what the API server sends, encoding the answer.
//!
//! Requests are decoded in one pass into a lean struct whose `object` is the plain JSON value
//! the engine reads. kube-core's `AdmissionReview<DynamicObject>` would buffer the whole body
//! through serde's `flatten` twice, type the metadata, and decode `oldObject` too, only for us
//! to turn the object back into JSON; its response types are used as they are.

use std::sync::Arc;

use kube_core::Status;
use kube_core::admission::{AdmissionResponse, META_API_VERSION_V1, META_KIND, Operation};
use kube_core::gvk::GroupVersionKind;
use palisade_model::{Object, Origin};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Value};

/// Why a request body is not an AdmissionReview this webhook can answer. Each becomes an
/// HTTP 400 with the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadRequest {
    /// The body is not JSON.
    #[error("malformed JSON: {0}")]
    Json(String),
    /// The JSON does not have the shape of an AdmissionReview.
    #[error("not an AdmissionReview: {0}")]
    Shape(String),
    /// `apiVersion` is not `admission.k8s.io/v1`.
    #[error(
        "apiVersion is {0:?}; this webhook answers admission.k8s.io/v1 (set admissionReviewVersions: [v1])"
    )]
    ApiVersion(String),
    /// `kind` is not `AdmissionReview`.
    #[error("kind is {0:?}, expected AdmissionReview")]
    Kind(String),
    /// The review has no `request`.
    #[error("the AdmissionReview has no request")]
    NoRequest,
    /// `request.uid` is missing or empty.
    #[error("request.uid is missing")]
    NoUid,
    /// `request.operation` is missing.
    #[error("request.operation is missing")]
    NoOperation,
    /// A CREATE or UPDATE without an object, or an object that is not a Kubernetes object.
    #[error("request.object does not decode: {0}")]
    Object(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    api_version: Option<String>,
    kind: Option<String>,
    request: Option<RawRequest>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRequest {
    uid: Option<String>,
    kind: Option<GroupVersionKind>,
    #[serde(default)]
    sub_resource: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    operation: Option<Operation>,
    #[serde(default)]
    user_info: UserInfo,
    #[serde(default)]
    object: Option<Value>,
    /// Never read: decoding it would only cost time.
    #[serde(default, rename = "oldObject")]
    _old_object: Option<IgnoredAny>,
    #[serde(default)]
    dry_run: Option<bool>,
    /// Not part of admission.k8s.io/v1: the namespace object as ValidatingAdmissionPolicy
    /// sees it. Honoured when a caller (a proxy, a test) sends it, for its PSS labels.
    #[serde(default)]
    namespace_object: Option<NamespaceObject>,
}

/// Who made the request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserInfo {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub groups: Vec<String>,
}

#[derive(Deserialize)]
struct NamespaceObject {
    #[serde(default)]
    metadata: Option<NamespaceMeta>,
}

#[derive(Deserialize)]
struct NamespaceMeta {
    #[serde(default)]
    labels: Option<Map<String, Value>>,
}

/// A decoded admission request: what [`crate::decide`] needs and nothing more.
#[derive(Debug, Clone)]
pub struct Request {
    pub uid: String,
    /// The kind of the object (`request.kind.kind`), empty when the request does not say.
    pub kind: String,
    pub sub_resource: Option<String>,
    pub name: String,
    pub namespace: Option<String>,
    pub operation: Operation,
    pub user: UserInfo,
    /// The object, for CREATE and UPDATE.
    pub object: Option<Object>,
    pub dry_run: bool,
    /// The namespace's labels, when the request carries them.
    pub namespace_labels: Option<Map<String, Value>>,
}

/// Decodes and checks an AdmissionReview body.
pub fn parse(body: &[u8]) -> Result<Request, BadRequest> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            BadRequest::Shape(e.to_string())
        } else {
            BadRequest::Json(e.to_string())
        }
    })?;
    let api_version = envelope.api_version.unwrap_or_default();
    if api_version != META_API_VERSION_V1 {
        return Err(BadRequest::ApiVersion(api_version));
    }
    let kind = envelope.kind.unwrap_or_default();
    if kind != META_KIND {
        return Err(BadRequest::Kind(kind));
    }
    let raw = envelope.request.ok_or(BadRequest::NoRequest)?;
    let uid = raw.uid.filter(|u| !u.is_empty()).ok_or(BadRequest::NoUid)?;
    let operation = raw.operation.ok_or(BadRequest::NoOperation)?;
    let namespace = raw.namespace.filter(|ns| !ns.is_empty());
    let object = match operation {
        Operation::Create | Operation::Update => {
            Some(object(raw.object, &uid, namespace.as_deref())?)
        }
        Operation::Delete | Operation::Connect => None,
    };
    Ok(Request {
        kind: raw.kind.map(|k| k.kind).unwrap_or_default(),
        sub_resource: raw.sub_resource.filter(|s| !s.is_empty()),
        name: raw.name.unwrap_or_default(),
        namespace,
        operation,
        user: raw.user_info,
        object,
        dry_run: raw.dry_run.unwrap_or(false),
        namespace_labels: raw
            .namespace_object
            .and_then(|ns| ns.metadata)
            .and_then(|m| m.labels),
        uid,
    })
}

/// Turns `request.object` into an engine object. The API server fills in the namespace of a
/// namespaced object before admission; a request that leaves it out gets the request's, so
/// that exceptions scoped by namespace see the same namespace as the exemptions do.
fn object(value: Option<Value>, uid: &str, namespace: Option<&str>) -> Result<Object, BadRequest> {
    let mut value = match value {
        None | Some(Value::Null) => {
            return Err(BadRequest::Object(
                "a CREATE or UPDATE must carry the object".to_string(),
            ));
        }
        Some(v @ Value::Object(_)) => v,
        Some(_) => return Err(BadRequest::Object("it is not a JSON object".to_string())),
    };
    match value.get_mut("metadata") {
        None => {}
        Some(Value::Object(metadata)) => {
            if let Some(ns) = namespace
                && metadata
                    .get("namespace")
                    .is_none_or(|v| v.as_str().is_none())
            {
                metadata.insert("namespace".to_string(), Value::String(ns.to_string()));
            }
        }
        Some(_) => return Err(BadRequest::Object("metadata is not an object".to_string())),
    }
    let origin = Origin {
        path: Arc::from(format!("admission:{uid}")),
        document: 0,
        item: None,
        template: None,
    };
    Object::detached(value, origin).map_err(|(_, why)| BadRequest::Object(why.to_string()))
}

/// An empty answer to the request with this uid: allowed, nothing to say.
pub fn allowed(uid: &str) -> AdmissionResponse {
    // kube-core builds responses from its own request type; ours carries the same uid.
    let mut response = AdmissionResponse::invalid("");
    response.uid = uid.to_string();
    response.allowed = true;
    response.result = Status::default();
    response
}

/// The response body: the AdmissionReview the API server expects back.
pub fn encode(response: AdmissionResponse) -> Vec<u8> {
    // Serialising plain structs of strings, bools and maps cannot fail; the fallback keeps
    // the function total anyway.
    serde_json::to_vec(&response.into_review()).unwrap_or_else(|_| b"{}".to_vec())
}

/// A Kubernetes `Status` body for an HTTP error, so that whoever reads it sees a message.
pub fn error_body(code: u16, reason: &str, message: &str) -> Vec<u8> {
    let status = serde_json::json!({
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "code": code,
        "reason": reason,
        "message": message,
    });
    serde_json::to_vec(&status).unwrap_or_default()
}

#[cfg(test)]
mod tests;
