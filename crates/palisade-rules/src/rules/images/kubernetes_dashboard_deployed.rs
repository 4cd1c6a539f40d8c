//! IMG006 `kubernetes-dashboard-deployed`: workloads that run the Kubernetes Dashboard.

use palisade_model::PodSpecView;

use super::{container_images, well_known};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports workloads that run the Kubernetes Dashboard, recognised by the image of any of
    /// their containers (`kubernetesui/dashboard`, `kubernetesui/dashboard-api`,
    /// `-auth` and `-web`, and the older `kubernetes-dashboard-amd64` images of
    /// `k8s.gcr.io` and `gcr.io/google_containers`), or else by the name `kubernetes-dashboard`
    /// of the workload or of its pods' `k8s-app` or `app.kubernetes.io/name` label. The
    /// dashboard's metrics scraper is not reported.
    ///
    /// ## Why is this bad?
    /// The dashboard is a web front end to the API server. Installed with the permissions
    /// its older manifests granted, or reachable from outside the cluster, it has been the
    /// way into many clusters: whoever reaches it acts with its ServiceAccount, or skips the
    /// login and does. Most teams need it rarely; `kubectl`, or a dashboard run on a
    /// workstation with the user's own credentials, leaves nothing running in the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: kubernetes-dashboard, namespace: kubernetes-dashboard}
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///       - name: kubernetes-dashboard
    ///         image: kubernetesui/dashboard:v2.7.0
    /// ```
    ///
    /// Use instead: no dashboard in the cluster; if one is needed, run it locally
    /// (`kubectl proxy`, or a desktop client) with the user's own credentials, or install it
    /// without extra permissions, behind single sign-on, and waive this finding with the
    /// reason:
    /// ```yaml
    /// # (no Deployment of the dashboard)
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Deploy and Access the Kubernetes Dashboard](https://kubernetes.io/docs/tasks/access-application-cluster/web-ui-dashboard/)
    /// - [Kubernetes Dashboard: access control](https://github.com/kubernetes/dashboard/blob/master/docs/user/access-control/README.md)
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization
    /// - MITRE ATT&CK for Containers: T1133 External Remote Services
    pub(crate) static RULE = {
        code: "IMG006",
        name: "kubernetes-dashboard-deployed",
        category: Category::Images,
        severity: Severity::Medium,
        summary: "Workload runs the Kubernetes Dashboard",
        standards: &["NSA-CISA: authentication and authorization", "MITRE ATT&CK T1133"],
        check: Check::Pod(check),
    };
}

/// Repositories of the dashboard's images (path without registry, as in `well_known`).
const IMAGES: &[&str] = &[
    "kubernetesui/dashboard",
    "kubernetesui/dashboard-api",
    "kubernetesui/dashboard-auth",
    "kubernetesui/dashboard-web",
    "kubernetes-dashboard-amd64",
    "kubernetes-dashboard-arm64",
    "kubernetes-dashboard-arm",
    "kubernetes-dashboard-ppc64le",
    "kubernetes-dashboard-s390x",
    "kubernetes-dashboard",
];

const NAME: &str = "kubernetes-dashboard";

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    let help = "remove the dashboard, or run it locally with your own credentials; if it must stay, give it no permissions of its own and put it behind single sign-on";
    if let Some(found) = container_images(pod).find(|c| IMAGES.contains(&well_known(&c.reference)))
    {
        out.push(Violation::new(
            found.pointer,
            format!(
                "{} runs the Kubernetes Dashboard (image \"{}\")",
                found.container.describe(),
                found.image
            ),
            help,
        ));
        return;
    }
    if let Some((pointer, how)) = super::named(pod, NAME, &["k8s-app", "app.kubernetes.io/name"]) {
        out.push(Violation::new(
            pointer,
            format!("this workload looks like the Kubernetes Dashboard ({how})"),
            help,
        ));
    }
}
