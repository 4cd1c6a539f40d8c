//! The service accounts a path can lead to, from the input's objects.

use std::collections::{HashMap, HashSet};

use palisade_model::{Object, PodTemplates};

/// The service accounts the analysis knows of: those the input declares, those its pods run
/// as, and each namespace's `default`.
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    pub(super) by_namespace: HashMap<String, HashSet<String>>,
    /// The accounts pods run as, by namespace: exec into them, or reach them through a node.
    pub(super) running: HashMap<String, HashSet<String>>,
    /// Legacy token Secrets (`kubernetes.io/service-account-token`) by namespace: (Secret,
    /// account). Reading one is holding the account's token.
    pub(super) tokens: HashMap<String, Vec<(String, String)>>,
}

/// The annotation a legacy token Secret names its service account with (in the metadata,
/// so a metadata-only list of a cluster's Secrets has it).
const TOKEN_ACCOUNT: &str = "kubernetes.io/service-account.name";

impl Accounts {
    pub fn from_objects<'a>(
        objects: impl IntoIterator<Item = &'a Object>,
        templates: &PodTemplates,
    ) -> Self {
        let mut accounts = Self::default();
        for object in objects {
            let namespace = object.namespace().unwrap_or("default").to_string();
            if object.kind == "ServiceAccount" && object.group().is_empty() {
                accounts.add(&namespace, object.name(), false);
            }
            for pod in templates.views(object) {
                let name = ["serviceAccountName", "serviceAccount"]
                    .iter()
                    .find_map(|f| {
                        pod.get(&[f])
                            .and_then(|v| v.as_str())
                            .filter(|n| !n.is_empty())
                    })
                    .unwrap_or("default");
                accounts.add(&namespace, name, true);
            }
            if object.kind == "Namespace" && object.group().is_empty() {
                accounts.add(object.name(), "default", false);
            }
            let token_type = object
                .value
                .get("type")
                .and_then(|t| t.as_str())
                .is_none_or(|t| t == "kubernetes.io/service-account-token");
            if object.kind == "Secret"
                && object.group().is_empty()
                && token_type
                && let Some(account) = object
                    .annotations()
                    .and_then(|a| a.get(TOKEN_ACCOUNT))
                    .and_then(|v| v.as_str())
                    .filter(|a| !a.is_empty())
            {
                accounts.add(&namespace, account, false);
                accounts
                    .tokens
                    .entry(namespace.clone())
                    .or_default()
                    .push((object.name().to_string(), account.to_string()));
            }
        }
        accounts
    }

    fn add(&mut self, namespace: &str, name: &str, running: bool) {
        self.by_namespace
            .entry(namespace.to_string())
            .or_default()
            .insert(name.to_string());
        self.by_namespace
            .entry(namespace.to_string())
            .or_default()
            .insert("default".to_string());
        if running {
            self.running
                .entry(namespace.to_string())
                .or_default()
                .insert(name.to_string());
        }
    }

    pub(super) fn sorted(set: Option<&HashSet<String>>) -> Vec<String> {
        let mut out: Vec<String> = set.into_iter().flatten().cloned().collect();
        out.sort();
        out
    }
}
