//! IMG007 `helm-tiller-deployed`: workloads that run Tiller, the server side of Helm 2.

use palisade_model::PodSpecView;

use super::{container_images, well_known};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports workloads that run Tiller, recognised by the image of any of their containers
    /// (`kubernetes-helm/tiller` of `gcr.io`, `helm/tiller` of `ghcr.io`), or else by the
    /// name `tiller-deploy` of the workload, or by its pods' labels `app: helm` and
    /// `name: tiller` together (what `helm init` creates).
    ///
    /// ## Why is this bad?
    /// Tiller is Helm 2's in-cluster server, unsupported since November 2020. It is usually
    /// installed with `cluster-admin`, and its gRPC port (44134) accepts commands from any pod
    /// that can reach it, without authentication unless TLS was set up by hand: any workload
    /// in the cluster can install a chart that runs a privileged pod. Helm 3 needs no server
    /// in the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: tiller-deploy, namespace: kube-system}
    /// spec:
    ///   template:
    ///     metadata:
    ///       labels: {app: helm, name: tiller}
    ///     spec:
    ///       containers:
    ///       - name: tiller
    ///         image: gcr.io/kubernetes-helm/tiller:v2.16.12
    /// ```
    ///
    /// Use instead: Helm 3 (`helm 2to3` migrates releases), and no Tiller:
    /// ```yaml
    /// # (no Deployment of Tiller)
    /// ```
    ///
    /// ## References
    /// - [Helm: Helm 2 and the charts project are now unsupported](https://helm.sh/blog/helm-2-becomes-unsupported/)
    /// - [Helm: Securing your Helm installation (Helm 2)](https://v2.helm.sh/docs/securing_installation/)
    /// - CIS Kubernetes Benchmark 5.1 (RBAC and Service Accounts)
    /// - MITRE ATT&CK for Containers: T1610 Deploy Container
    pub(crate) static RULE = {
        code: "IMG007",
        name: "helm-tiller-deployed",
        category: Category::Images,
        severity: Severity::High,
        summary: "Workload runs Tiller, Helm 2's unauthenticated in-cluster server",
        standards: &["MITRE ATT&CK T1610"],
        check: Check::Pod(check),
    };
}

const IMAGES: &[&str] = &["kubernetes-helm/tiller", "helm/tiller"];

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    let help = "migrate the releases to Helm 3 (helm 2to3) and remove Tiller";
    if let Some(found) = container_images(pod).find(|c| IMAGES.contains(&well_known(&c.reference)))
    {
        out.push(Violation::new(
            found.pointer,
            format!(
                "{} runs Tiller, Helm 2's server (image \"{}\")",
                found.container.describe(),
                found.image
            ),
            help,
        ));
        return;
    }
    if pod.object.name() == "tiller-deploy" {
        out.push(Violation::new(
            "/metadata/name",
            "this workload looks like Tiller, Helm 2's server (named tiller-deploy)",
            help,
        ));
        return;
    }
    let label = |key: &str| {
        pod.labels()
            .and_then(|l| l.get(key))
            .and_then(|v| v.as_str())
    };
    if label("app") == Some("helm") && label("name") == Some("tiller") {
        out.push(Violation::new(
            format!("{}/labels", pod.metadata_pointer()),
            "this workload looks like Tiller, Helm 2's server (labels app=helm, name=tiller)",
            help,
        ));
    }
}
