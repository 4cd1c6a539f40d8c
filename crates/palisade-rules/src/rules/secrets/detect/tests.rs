use super::*;

#[test]
fn names_split_on_separators_and_camel_case() {
    let cases: [(&str, &[&str]); 7] = [
        ("API_KEY", &["api", "key"]),
        ("apiKey", &["api", "key"]),
        ("api-key", &["api", "key"]),
        ("APIKey", &["api", "key"]),
        ("dbPassword2", &["db", "password2"]),
        (
            "spring.datasource.password",
            &["spring", "datasource", "password"],
        ),
        ("OAuth2ClientSecret", &["o", "auth2", "client", "secret"]),
    ];
    for (name, expected) in cases {
        assert_eq!(words(name), expected, "{name}");
    }
}

#[test]
fn names_whose_last_word_is_a_secret_noun_say_secret() {
    let cases = [
        ("DB_PASSWORD", true),
        ("MYSQL_ROOT_PASSWORD", true),
        ("password", true),
        ("dbPassword", true),
        ("DB_PASS", true),
        ("SMTP_PASSWD", true),
        ("GITHUB_TOKEN", true),
        ("refresh-token", true),
        ("CLIENT_SECRET", true),
        ("clientSecret", true),
        ("JWT_SECRET", true),
        ("API_KEY", true),
        ("apiKey", true),
        ("api-key", true),
        ("apikey", true),
        ("STRIPE_API_KEY", true),
        ("AWS_SECRET_ACCESS_KEY", true),
        ("PRIVATE_KEY", true),
        ("SIGNING_KEY", true),
        ("GOOGLE_APPLICATION_CREDENTIALS", true),
        ("SECRET_KEY_BASE", true),
        ("client-key-data", true),
        ("PASSWORD_B64", true),
        ("DB_PASSWORD_2", true),
        ("PASSWORD_FILE", false),
        ("POSTGRES_PASSWORD_FILE", false),
        ("SECRET_NAME", false),
        ("TOKEN_URL", false),
        ("KEY_PATH", false),
        ("TOKEN_TTL", false),
        ("PRIVATE_KEY_PATH", false),
        ("AWS_ACCESS_KEY_ID", false),
        ("SECRET_KEY_REF", false),
        ("API_KEY_HEADER", false),
        ("PASSWORD_MIN_LENGTH", false),
        ("CACHE_KEY", false),
        ("KEY", false),
        ("SSH_PUBLIC_KEY", false),
        ("BYPASS", false),
        ("PASSWORD_POLICY", false),
        ("passwordEncoder", false),
        ("TOKEN_AUDIENCE", false),
        ("DB_HOST", false),
        ("passwd", false),
        ("DB_PASSWD", true),
        // Vendors' names for account keys and key material.
        ("AZURE_STORAGE_KEY", true),
        ("STORAGE_ACCOUNT_KEY", true),
        ("AZURE_STORAGE_ACCOUNT_KEY", true),
        ("AZURE_BATCH_KEY", true),
        ("BATCH_ACCOUNT_KEY", true),
        ("SHARED_ACCESS_KEY", true),
        ("OCI_CLI_KEY_CONTENT", true),
        ("TLS_KEY_CONTENT", true),
        ("ACCOUNT_NAME", false),
        ("STORAGE_KEY_PREFIX", false),
        ("MESSAGE_CONTENT", false),
        ("", false),
    ];
    for (name, expected) in cases {
        assert_eq!(name_says_secret(name), expected, "{name}");
    }
}

#[test]
fn references_placeholders_flags_and_locators_are_not_literal_secrets() {
    let cases = [
        ("hunter2-prod", true),
        ("changeme", true),
        ("p@ss w0rd", true),
        ("", false),
        ("   ", false),
        ("$(DB_PASSWORD)", false),
        ("${DB_PASSWORD}", false),
        ("${?DB_PASSWORD}", false),
        ("$DB_PASSWORD", false),
        ("{{ .Values.password }}", false),
        ("%(ENV_PASSWORD)s", false),
        ("ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)", false),
        ("vault:secret/data/db#password", false),
        ("!vault |", false),
        ("os.environ[\"HF_TOKEN\"]", false),
        ("System.getenv(\"DB_PASSWORD\")", false),
        ("ref+awssecrets://db/password", false),
        (
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
            false,
        ),
        ("<your-password>", false),
        ("********", false),
        ("xxxxxx", false),
        ("[REDACTED]", false),
        ("true", false),
        ("Yes", false),
        ("null", false),
        ("|", false),
        ("/var/run/secrets/db/password", false),
        ("./creds.json", false),
        ("https://vault.example.com/v1/token", false),
    ];
    for (value, expected) in cases {
        assert_eq!(literal_secret(value), expected, "{value:?}");
    }
}

#[test]
fn placeholders_that_echo_the_name_or_ask_for_a_value_are_not_secrets() {
    let cases = [
        ("DB_PASSWORD", "hunter2", true),
        ("HF_TOKEN", "HF_TOKEN", false),
        ("api-key", "API_KEY", false),
        ("API_KEY", "your-api-key-here", false),
        ("PASSWORD", "REPLACE_ME", false),
        ("PASSWORD", "changeme", true),
        ("DB_HOST", "hunter2", false),
    ];
    for (name, value, expected) in cases {
        assert_eq!(secret_assignment(name, value), expected, "{name}={value}");
    }
}

/// Test tokens are assembled from pieces so that no complete token sits in the source
/// for secret scanners to trip over.
fn token(parts: &[&str]) -> String {
    parts.concat()
}

#[test]
fn credential_formats_are_found_anywhere_in_a_text() {
    let body36 = "Zq3vK8pL2mN7xR4tY9wB6cD1fG5hJ0sA8eUi";
    let cases: Vec<(String, &str, &str)> = vec![
        (
            "AKIAIOSFODNN7EXAMPLE".to_string(),
            "an AWS access key ID",
            "AKIA…",
        ),
        (
            "aws_access_key_id = ASIAY34FZKBOKMUTVV7A".to_string(),
            "an AWS access key ID",
            "ASIA…",
        ),
        (token(&["gh", "p_", body36]), "a GitHub token", "ghp_…"),
        (
            token(&["url=https://x:", "gh", "s_", body36, "@github.com"]),
            "a GitHub token",
            "ghs_…",
        ),
        (
            token(&["github", "_pat_", "11ABCDEFG0123456789_", body36, body36]),
            "a GitHub fine-grained token",
            "github_pat_…",
        ),
        (
            token(&["glp", "at-", "Zq3vK8pL2mN7xR4tY9wB"]),
            "a GitLab token",
            "glpat-…",
        ),
        (
            token(&[
                "xox",
                "b-",
                "1234567890-0987654321-",
                "Zq3vK8pL2mN7xR4tY9wB6cD1",
            ]),
            "a Slack token",
            "xoxb-…",
        ),
        (
            token(&[
                "https://hooks.slack.com/services/",
                "T0000ABCD/B0000WXYZ/",
                "Zq3vK8pL2mN7xR4tY9wB6cD1",
            ]),
            "a Slack webhook URL",
            "https://hooks.slack.com/services/…",
        ),
        (
            token(&["AI", "za", "SyD-Zq3vK8pL2mN7xR4tY9wB6cD1fG5hJ0a"]),
            "a Google API key",
            "AIza…",
        ),
        (
            token(&["sk", "_live_", "Zq3vK8pL2mN7xR4tY9wB6cD1"]),
            "a Stripe live key",
            "sk_live_…",
        ),
        (token(&["np", "m_", body36]), "an npm token", "npm_…"),
        (
            token(&["dckr", "_pat_", "Zq3vK8pL2mN7xR4tY9wB6cD1"]),
            "a Docker Hub token",
            "dckr_pat_…",
        ),
        (
            token(&[
                "DefaultEndpointsProtocol=https;AccountName=shop;Account",
                "Key=",
                body36,
                body36,
                "==",
            ]),
            "an Azure storage account key",
            "AccountKey=…",
        ),
        (
            token(&[
                "Authorization: Bearer ",
                "eyJhbGciOiJIUzI1NiJ9",
                ".",
                "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
                ".",
                "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            ]),
            "a JSON Web Token",
            "eyJ…",
        ),
        (
            token(&[
                "Authorization: Bearer ",
                "a1b2c3d4e5f6",
                "Zq3vK8pL2mN7xR4tY9wB6cD1",
            ]),
            "a bearer token",
            "Bearer …",
        ),
        (
            token(&[
                "tls.key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIEowIBAAKCAQEA",
                body36,
                "\n  -----END RSA PRIVATE KEY-----\n",
            ]),
            "a PEM private key",
            "-----BEGIN RSA PRIVATE KEY-----",
        ),
        (
            token(&[
                "-----BEGIN OPENSSH PRIVATE KEY-----\n",
                body36,
                body36,
                "\n-----END OPENSSH PRIVATE KEY-----",
            ]),
            "a PEM private key",
            "-----BEGIN OPENSSH PRIVATE KEY-----",
        ),
        (
            "DATABASE_URL=postgres://shop:hunter2@db.internal:5432/shop".to_string(),
            "a URL with an embedded password",
            "postgres://…:…@",
        ),
    ];
    for (text, kind, shown) in cases {
        let found = find_credential(&text);
        assert_eq!(
            found.as_ref().map(|c| (c.kind, c.shown.as_str())),
            Some((kind, shown)),
            "{text}"
        );
    }
}

#[test]
fn near_misses_of_credential_formats_are_not_credentials() {
    let texts = [
        "AKIA",
        "AKIAIOSFODNN7EXAMPLEXYZ",
        "MAKIAIOSFODNN7EXAMPLE",
        "ghp_short",
        &token(&["gh", "p_", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]),
        "eyJhbGciOiJIUzI1NiJ9",
        "eyJhbGciOiJIUzI1NiJ9.notjson.sig",
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----",
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        "postgres://shop@db.internal:5432/shop",
        "postgres://shop:${DB_PASSWORD}@db.internal/shop",
        "postgres://shop:$(DB_PASSWORD)@db.internal/shop",
        "https://db.internal:5432/path@x",
        "http://[::1]:8080/",
        "sk_test_Zq3vK8pL2mN7xR4tY9wB6cD1",
        "the skills_live_ here",
        "ghcr.io/example-shop/storefront:1.4.2",
        "Authorization: Bearer <token>",
        "Authorization: Bearer ${TOKEN}",
        "Authorization: Bearer YOUR_ACCESS_TOKEN_GOES_HERE",
        "Authorization: Bearer xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "Authorization: Bearer abc123",
        "the Bearer token flow",
    ];
    for text in texts {
        assert_eq!(find_credential(text), None, "{text}");
    }
}

#[test]
fn a_credential_after_many_partial_matches_is_still_found() {
    // The repeated openers used to make every detector re-read the rest of the value;
    // the credential at the end must still be found, at its own offset.
    let body36 = "Zq3vK8pL2mN7xR4tY9wB6cD1fG5hJ0sA8eUi";
    let jwt = token(&[
        "eyJhbGciOiJIUzI1NiJ9",
        ".",
        "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
        ".",
        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ]);
    let pem = token(&[
        "-----BEGIN RSA PRIVATE KEY-----\n",
        body36,
        body36,
        "\n-----END RSA PRIVATE KEY-----",
    ]);
    let cases: Vec<(String, String, &str)> = vec![
        // `-` is base64url: the junk must end before the token, or it is its header.
        ("eyJ-".repeat(5_000), format!(" {jwt}"), "a JSON Web Token"),
        // Header and payload with no signature, over and over.
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0. ".repeat(1_000),
            jwt.clone(),
            "a JSON Web Token",
        ),
        (
            "AKIA".repeat(5_000),
            " AKIAIOSFODNN7EXAMPLE".to_string(),
            "an AWS access key ID",
        ),
        (
            "-----BEGIN RSA PRIVATE KEY-----\n".repeat(1_000),
            pem,
            "a PEM private key",
        ),
        (
            "x://a:".repeat(3_000),
            " postgres://shop:hunter2@db/shop".to_string(),
            "a URL with an embedded password",
        ),
    ];
    for (junk, credential, kind) in cases {
        let text = format!("{junk}{credential}");
        let found = find_credential(&text);
        assert_eq!(found.as_ref().map(|c| c.kind), Some(kind), "{kind}");
        let offset = found.map_or(0, |c| c.offset);
        assert!(
            offset >= junk.len(),
            "{kind}: found at {offset}, inside the junk"
        );
    }
}

#[test]
fn a_jwt_header_may_start_after_a_dash_inside_a_longer_run() {
    let text = token(&[
        "id-eyJhbGciOiJIUzI1NiJ9",
        ".",
        "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
        ".",
        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ]);
    assert_eq!(find_credential(&text).map(|c| c.offset), Some(3));
    assert_eq!(find_credential(&text[1..]).map(|c| c.offset), Some(2));
    // Inside a word it is not a token of its own.
    assert_eq!(find_credential(&format!("x{}", &text[3..])), None);
}

#[test]
fn assignments_are_read_from_common_config_formats() {
    let text = "\
# password: commented-out
db:
  password: hunter2 # inline comment
spring.datasource.password=s3cr3t
export API_TOKEN=\"abc def\"
\"client_secret\": \"xyz\",
[section]
- token: 'quoted'
<password>fromxml</password>
url: http://example.com:8080/x
The password is: nothing
";
    let found: Vec<(usize, &str, &str)> = assignments(text)
        .map(|a| (a.line, a.key, a.value))
        .collect();
    assert_eq!(
        found,
        [
            (2, "db", ""),
            (3, "password", "hunter2"),
            (4, "spring.datasource.password", "s3cr3t"),
            (5, "API_TOKEN", "abc def"),
            (6, "client_secret", "xyz"),
            (8, "token", "quoted"),
            (9, "password", "fromxml"),
            (10, "url", "http://example.com:8080/x"),
        ]
    );
}
