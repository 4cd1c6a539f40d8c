//! Resource-limit errors from the YAML parser, said in the user's terms.
//!
//! serde-saphyr reports a breached budget as its `Debug` form (`budget breached: Depth { depth:
//! 129 }`), which tells a user neither what is wrong with the file nor what the limit is. Each
//! kind of breach gets a sentence here; the limits Palisade sets are named with their value.

use serde_saphyr::Error;
use serde_saphyr::budget::BudgetBreach;

use super::yaml::{MAX_ALIASES, MAX_DEPTH, MAX_EVENTS, MAX_NODES, MAX_REPLAYED_EVENTS};

/// A plain sentence for a resource-limit error, or `None` for any other error.
pub(super) fn describe(mut error: &Error) -> Option<String> {
    // The limit may be wrapped in the snippet or alias context serde-saphyr adds.
    loop {
        match error {
            Error::WithSnippet { error: inner, .. } | Error::AliasError { error: inner, .. } => {
                error = inner;
            }
            Error::Budget { breach, .. } => return Some(breach_sentence(breach)),
            Error::AliasReplayLimitExceeded { .. } | Error::AliasReplayCounterOverflow { .. } => {
                return Some(format!(
                    "aliases (`*name`) expand to more than {MAX_REPLAYED_EVENTS} YAML events; \
                     a document that grows this much through aliases is an alias bomb \
                     (\"billion laughs\"), not a manifest"
                ));
            }
            Error::AliasExpansionLimitExceeded {
                max_expansions_per_anchor,
                ..
            } => {
                return Some(format!(
                    "one anchor (`&name`) is used through aliases (`*name`) more than \
                     {max_expansions_per_anchor} times"
                ));
            }
            Error::AliasReplayStackDepthExceeded { max_depth, .. } => {
                return Some(format!(
                    "aliases (`*name`) refer to values that hold aliases more than {max_depth} \
                     levels deep"
                ));
            }
            _ => return None,
        }
    }
}

fn breach_sentence(breach: &BudgetBreach) -> String {
    match breach {
        BudgetBreach::Depth { .. } => format!("nesting deeper than {MAX_DEPTH} levels"),
        BudgetBreach::Nodes { .. } => {
            format!("more than {MAX_NODES} values in one document")
        }
        BudgetBreach::Events { .. } => format!(
            "the document is too large to check: more than {MAX_EVENTS} YAML events \
             (values, collection starts and ends)"
        ),
        BudgetBreach::Aliases { .. } => {
            format!("more than {MAX_ALIASES} aliases (`*name`) in one document")
        }
        BudgetBreach::Anchors { anchors } => {
            format!("too many anchors (`&name`) in one document ({anchors})")
        }
        BudgetBreach::AliasAnchorRatio { aliases, anchors } => format!(
            "{aliases} aliases (`*name`) for only {anchors} anchors (`&name`); so many uses of \
             so few anchors is the shape of an alias bomb (\"billion laughs\")"
        ),
        BudgetBreach::MergeKeys { merge_keys } => {
            format!("too many merge keys (`<<`) in one document ({merge_keys})")
        }
        BudgetBreach::ScalarBytes { .. } => {
            "the text of the document's values is too large in total".to_string()
        }
        BudgetBreach::Documents { documents } => {
            format!("too many YAML documents in one stream ({documents})")
        }
        BudgetBreach::InputBytes { input_bytes } => {
            format!("the input is too large to parse ({input_bytes} bytes read)")
        }
        BudgetBreach::SequenceUnbalanced => {
            "a collection ends that never started; the document is malformed or cut short"
                .to_string()
        }
        BudgetBreach::RecordedAnchorEvents { .. } | BudgetBreach::RecordedAnchorBytes { .. } => {
            "the values behind anchors (`&name`) are too large to repeat through aliases"
                .to_string()
        }
        BudgetBreach::InclusionDepth { .. } => "includes nest too deeply".to_string(),
        BudgetBreach::PropertyExpansionDepth { max_depth, .. } => {
            format!("`${{...}}` properties nest more than {max_depth} levels deep")
        }
        BudgetBreach::PropertyInterpolationWork { .. } => {
            "`${...}` properties take too much work to expand".to_string()
        }
        // Variants behind serde-saphyr features this crate does not enable (comments), should
        // another crate in the build turn them on.
        #[allow(
            unreachable_patterns,
            reason = "reachable only when another crate enables serde-saphyr's comments feature"
        )]
        _ => "the document breaks a parser resource limit".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_budget_breach_reads_as_a_sentence_without_debug_syntax() {
        let breaches = [
            BudgetBreach::Depth { depth: 129 },
            BudgetBreach::Nodes { nodes: 1 },
            BudgetBreach::Events { events: 1 },
            BudgetBreach::Aliases { aliases: 1 },
            BudgetBreach::Anchors { anchors: 1 },
            BudgetBreach::AliasAnchorRatio {
                aliases: 900,
                anchors: 2,
            },
            BudgetBreach::MergeKeys { merge_keys: 1 },
            BudgetBreach::ScalarBytes {
                total_scalar_bytes: 1,
            },
            BudgetBreach::Documents { documents: 1 },
            BudgetBreach::InputBytes { input_bytes: 1 },
            BudgetBreach::SequenceUnbalanced,
            BudgetBreach::RecordedAnchorEvents {
                recorded_anchor_events: 1,
            },
            BudgetBreach::RecordedAnchorBytes {
                recorded_anchor_bytes: 1,
            },
            BudgetBreach::InclusionDepth { depth: 1 },
            BudgetBreach::PropertyExpansionDepth {
                depth: 2,
                max_depth: 1,
            },
            BudgetBreach::PropertyInterpolationWork {
                work: 2,
                max_work: 1,
            },
        ];
        for breach in &breaches {
            let sentence = breach_sentence(breach);
            assert!(
                !sentence.contains(['{', '}']) || sentence.contains("${...}"),
                "{breach:?}: {sentence}"
            );
            assert!(!sentence.contains("budget"), "{breach:?}: {sentence}");
        }
        assert_eq!(
            breach_sentence(&BudgetBreach::Depth { depth: 129 }),
            "nesting deeper than 128 levels"
        );
    }
}
