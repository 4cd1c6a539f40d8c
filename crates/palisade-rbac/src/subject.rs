//! Who asks: a user with groups, as the authenticator hands it to the authorizer, and the
//! subjects a user of the command line names (`user:alice`, `group:dev`, `sa:ci/deployer`).

use serde::Serialize;

/// A subject to ask about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Subject {
    User { name: String },
    Group { name: String },
    ServiceAccount { namespace: String, name: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectError(pub String);

impl std::fmt::Display for SubjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SubjectError {}

const SA_PREFIX: &str = "system:serviceaccount:";

impl Subject {
    /// `user:NAME`, `group:NAME`, `sa:NAMESPACE/NAME` (or `serviceaccount:`), or a service
    /// account's user name `system:serviceaccount:NAMESPACE:NAME`.
    pub fn parse(text: &str) -> Result<Self, SubjectError> {
        if let Some(rest) = text.strip_prefix(SA_PREFIX) {
            return match rest.split_once(':') {
                Some((ns, name)) if !ns.is_empty() && !name.is_empty() => {
                    Ok(Self::service_account(ns, name))
                }
                _ => Err(SubjectError(format!(
                    "`{text}`: a service account's user name is system:serviceaccount:NAMESPACE:NAME"
                ))),
            };
        }
        let Some((kind, name)) = text.split_once(':') else {
            return Err(SubjectError(format!(
                "`{text}`: name a subject as user:NAME, group:NAME or sa:NAMESPACE/NAME"
            )));
        };
        if name.is_empty() {
            return Err(SubjectError(format!("`{text}`: the name is empty")));
        }
        match kind {
            "user" | "u" => Ok(Self::User {
                name: name.to_string(),
            }),
            "group" | "g" => Ok(Self::Group {
                name: name.to_string(),
            }),
            "sa" | "serviceaccount" => match name.split_once('/') {
                Some((ns, sa)) if !ns.is_empty() && !sa.is_empty() && !sa.contains('/') => {
                    Ok(Self::service_account(ns, sa))
                }
                _ => Err(SubjectError(format!(
                    "`{text}`: a service account is sa:NAMESPACE/NAME"
                ))),
            },
            other => Err(SubjectError(format!(
                "`{text}`: `{other}` is not user, group or sa"
            ))),
        }
    }

    pub fn service_account(namespace: &str, name: &str) -> Self {
        Self::ServiceAccount {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// The identity a request by this subject carries. A group stands for any member: a user
    /// with no name of its own in that group (and, being authenticated, in
    /// `system:authenticated`).
    pub fn user_info(&self) -> UserInfo {
        match self {
            Self::User { name } => UserInfo {
                name: name.clone(),
                groups: vec![AUTHENTICATED.to_string()],
            },
            Self::Group { name } => UserInfo {
                name: String::new(),
                groups: if name == AUTHENTICATED {
                    vec![name.clone()]
                } else {
                    vec![name.clone(), AUTHENTICATED.to_string()]
                },
            },
            Self::ServiceAccount { namespace, name } => UserInfo {
                name: format!("{SA_PREFIX}{namespace}:{name}"),
                groups: vec![
                    "system:serviceaccounts".to_string(),
                    format!("system:serviceaccounts:{namespace}"),
                    AUTHENTICATED.to_string(),
                ],
            },
        }
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::User { name } => write!(f, "user:{name}"),
            Self::Group { name } => write!(f, "group:{name}"),
            Self::ServiceAccount { namespace, name } => write!(f, "sa:{namespace}/{name}"),
        }
    }
}

const AUTHENTICATED: &str = "system:authenticated";

/// A user as the authorizer sees it: a name and groups.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserInfo {
    pub name: String,
    pub groups: Vec<String>,
}

impl UserInfo {
    /// The service account this user is, if it is one: (namespace, name).
    pub fn service_account(&self) -> Option<(&str, &str)> {
        self.name.strip_prefix(SA_PREFIX)?.split_once(':')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_named_as_the_command_line_writes_them() {
        assert_eq!(
            Subject::parse("sa:ci/deployer"),
            Ok(Subject::service_account("ci", "deployer"))
        );
        assert_eq!(
            Subject::parse("system:serviceaccount:ci:deployer"),
            Ok(Subject::service_account("ci", "deployer"))
        );
        assert_eq!(
            Subject::parse("user:alice@example.com"),
            Ok(Subject::User {
                name: "alice@example.com".into()
            })
        );
        assert_eq!(
            Subject::parse("group:system:masters"),
            Ok(Subject::Group {
                name: "system:masters".into()
            })
        );
        for bad in [
            "alice",
            "user:",
            "sa:deployer",
            "sa:/x",
            "robot:x",
            "system:serviceaccount:ci",
        ] {
            assert!(Subject::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_service_account_is_in_the_groups_the_authenticator_adds() {
        let info = Subject::service_account("ci", "deployer").user_info();
        assert_eq!(info.name, "system:serviceaccount:ci:deployer");
        assert_eq!(
            info.groups,
            [
                "system:serviceaccounts",
                "system:serviceaccounts:ci",
                "system:authenticated"
            ]
        );
        assert_eq!(info.service_account(), Some(("ci", "deployer")));
    }
}
