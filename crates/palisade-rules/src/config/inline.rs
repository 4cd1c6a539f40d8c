//! `webhook.inline-exceptions`: where the admission webhook honours `palisade.dev/ignore`.
//!
//! At admission an annotation is written by the same person whose object it exempts, so an
//! annotation alone must never be enough: anyone who may create a Pod could waive every rule
//! for it. The webhook therefore ignores inline exceptions unless the central configuration
//! names both the namespaces and the rules they may waive (Kyverno guards its PolicyExceptions
//! the same way, with RBAC on a separate kind). `scan` is unaffected: there a reviewer sees
//! the annotation in the pull request.

use std::collections::HashSet;

use crate::exceptions::Pattern;

/// Namespaces and rules for which the webhook honours inline exceptions.
#[derive(Clone, Debug, Default)]
pub struct InlineExceptions {
    namespaces: Vec<Pattern>,
    rules: HashSet<&'static str>,
}

impl InlineExceptions {
    pub fn new(namespaces: Vec<Pattern>, rules: HashSet<&'static str>) -> Self {
        Self { namespaces, rules }
    }

    /// Whether an annotation may waive `rule_code` on an object in `namespace`.
    /// Cluster-scoped objects have no namespace and are never waived inline.
    pub fn permits(&self, namespace: Option<&str>, rule_code: &str) -> bool {
        self.rules.contains(rule_code)
            && namespace.is_some_and(|ns| self.namespaces.iter().any(|p| p.matches(ns)))
    }

    /// Whether any annotation could be honoured at all.
    pub fn is_enabled(&self) -> bool {
        !self.namespaces.is_empty() && !self.rules.is_empty()
    }

    pub fn namespaces(&self) -> impl Iterator<Item = &str> {
        self.namespaces.iter().map(Pattern::as_str)
    }

    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }
}
