//! Writing OpenReports objects back to the cluster by server-side apply: the same name every
//! run, so each report is updated in place, never duplicated.

use kube::Client;
use serde_json::Value;

use crate::request;

const GROUP_VERSION: &str = "openreports.io/v1alpha1";

/// Applies each report; returns one message per report that could not be written.
pub(crate) async fn apply_all(client: &Client, reports: &[Value]) -> Vec<String> {
    let mut errors = Vec::new();
    for report in reports {
        let Some(path) = path_of(report) else {
            errors.push("an OpenReports object without a kind or name was not written".to_string());
            continue;
        };
        let body = report.to_string();
        match request::apply(client, &path, body.as_bytes()).await {
            Ok(_) => {}
            Err(failure) if failure.status == Some(404) && !crds_installed(client).await => {
                return vec![format!(
                    "the OpenReports CRDs are not installed ({GROUP_VERSION} is not served): \
                     apply openreports.io_reports.yaml and openreports.io_clusterreports.yaml \
                     from github.com/openreports/reports-api (config/crd) first"
                )];
            }
            Err(failure) => errors.push(format!("cannot write {path}: {}", failure.describe())),
        }
    }
    errors
}

fn path_of(report: &Value) -> Option<String> {
    let name = report.pointer("/metadata/name")?.as_str()?;
    match report.get("kind")?.as_str()? {
        "Report" => {
            let namespace = report.pointer("/metadata/namespace")?.as_str()?;
            Some(format!(
                "/apis/{GROUP_VERSION}/namespaces/{namespace}/reports/{name}"
            ))
        }
        "ClusterReport" => Some(format!("/apis/{GROUP_VERSION}/clusterreports/{name}")),
        _ => None,
    }
}

async fn crds_installed(client: &Client) -> bool {
    request::get(
        client,
        &format!("/apis/{GROUP_VERSION}"),
        "application/json",
    )
    .await
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_go_where_their_kind_and_namespace_say() {
        let report =
            json!({"kind": "Report", "metadata": {"name": "palisade", "namespace": "shop"}});
        assert_eq!(
            path_of(&report).as_deref(),
            Some("/apis/openreports.io/v1alpha1/namespaces/shop/reports/palisade")
        );
        let cluster = json!({"kind": "ClusterReport", "metadata": {"name": "palisade"}});
        assert_eq!(
            path_of(&cluster).as_deref(),
            Some("/apis/openreports.io/v1alpha1/clusterreports/palisade")
        );
        assert_eq!(
            path_of(&json!({"kind": "Pod", "metadata": {"name": "x"}})),
            None
        );
    }
}
