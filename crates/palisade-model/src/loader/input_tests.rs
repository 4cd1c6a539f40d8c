//! Reading inputs: special files, the size cap and symbolic links met in a walk.

use std::io::Read;
use std::path::PathBuf;

use super::discover::read_capped;
use super::*;

#[test]
fn more_than_the_cap_is_an_error_naming_the_input() {
    let error = read_capped(std::io::repeat(0), "<stdin>", 1024, 0).err();
    assert!(
        matches!(&error, Some(LoadError::TooLarge { path, limit: 1024 }) if path == "<stdin>"),
        "{error:?}"
    );
    let exact = read_capped(std::io::repeat(b'a').take(1024), "f.yaml", 1024, 1024);
    assert_eq!(exact.map(|b| b.len()).ok(), Some(1024));
    let message = LoadError::TooLarge {
        path: "<stdin>".to_string(),
        limit: MAX_INPUT_BYTES,
    }
    .to_string();
    assert_eq!(
        message,
        "<stdin>: larger than 256 MiB, the most palisade reads from one input"
    );
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_before_they_are_opened() {
    let dir = tempfile::tempdir().ok();
    let Some(dir) = dir else { return };
    let socket = dir.path().join("s.yaml");
    let _listener = std::os::unix::net::UnixListener::bind(&socket);
    let cases = [
        (socket, "a socket"),
        (PathBuf::from("/dev/null"), "a character device"),
    ];
    for (path, kind) in cases {
        let expected = format!(
            "{}: not a regular file ({kind}); palisade reads files, directories and `-` for standard input",
            path.display()
        );
        let (sources, errors) = discover(&[InputArg::Path(path.clone())]);
        assert!(sources.is_empty());
        let messages: Vec<_> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages, std::slice::from_ref(&expected));
        // A source made some other way is refused when read, too.
        let loaded = load(&Source::File(path));
        let messages: Vec<_> = loaded.errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages, [expected]);
    }
}

#[cfg(unix)]
#[test]
fn a_walk_does_not_follow_symbolic_links_but_a_named_link_is_read() {
    use std::os::unix::fs::symlink;
    let (Ok(tree), Ok(outside)) = (tempfile::tempdir(), tempfile::tempdir()) else {
        return;
    };
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n";
    let write = |path: PathBuf| std::fs::write(path, pod).is_ok();
    assert!(write(tree.path().join("a.yaml")));
    assert!(write(outside.path().join("secret.yaml")));
    let linked_dir = tree.path().join("etc");
    let linked_file = tree.path().join("b.yaml");
    assert!(symlink(outside.path(), &linked_dir).is_ok());
    assert!(symlink(outside.path().join("secret.yaml"), &linked_file).is_ok());

    let found = discovery(&[InputArg::Path(tree.path().to_path_buf())]);
    assert_eq!(found.sources, [Source::File(tree.path().join("a.yaml"))]);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert_eq!(
        found.skipped_links,
        [linked_file.clone(), linked_dir.clone()]
    );

    let (sources, errors) = discover(&[InputArg::Path(linked_file.clone())]);
    assert_eq!(sources, [Source::File(linked_file.clone())]);
    assert!(errors.is_empty());
    assert_eq!(load(&sources[0]).objects.len(), 1);
    let (sources, _) = discover(&[InputArg::Path(linked_dir)]);
    assert_eq!(
        sources.len(),
        1,
        "a linked directory named explicitly is walked"
    );
}
