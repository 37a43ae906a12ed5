//! The modules of `src/` import one another without a cycle: the graph of `crate::…`
//! (and `super::…`) references, one node per module file, is acyclic.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `src/a/b.rs` and `src/a/b/mod.rs` -> `a::b`; `src/lib.rs` -> `crate`.
fn module_name(rel: &Path) -> Option<String> {
    let s = rel.to_string_lossy().replace('\\', "/");
    let s = s.strip_suffix(".rs")?;
    let s = s.strip_suffix("/mod").unwrap_or(s);
    match s {
        "lib" => Some("crate".into()),
        "main" => None,
        _ if s.starts_with("bin/") => None,
        _ => Some(s.replace('/', "::")),
    }
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(root, &p, out);
        } else if let Some(name) = module_name(p.strip_prefix(root).unwrap()) {
            out.insert(name, std::fs::read_to_string(&p).unwrap());
        }
    }
}

/// The code without comments and string literals (doc links name modules too).
fn code_only(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut in_str = false;
        let mut prev = ' ';
        for c in line.chars() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                out.push(c);
            }
            prev = if prev == '\\' && c == '\\' { ' ' } else { c };
        }
        out.push('\n');
    }
    out
}

/// Every path a `use` tree starting at `text` names: `{a::b, c}` -> `a::b`, `c`.
fn expand(prefix: &str, text: &str, out: &mut Vec<String>) {
    let text = text.trim_start();
    if let Some(rest) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    expand(prefix, &rest[start..i], out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(prefix, &rest[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let ident: String = text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if ident.is_empty() {
        out.push(prefix.to_string());
        return;
    }
    let path = if prefix.is_empty() { ident.clone() } else { format!("{prefix}::{ident}") };
    match text[ident.len()..].strip_prefix("::") {
        Some(rest) => expand(&path, rest, out),
        None => out.push(path),
    }
}

/// The module a path names: its longest prefix that is a module (`crate` if none), seen
/// through re-exports (`aliases`: `module::Item` -> the module that defines it).
fn resolve(path: &str, modules: &BTreeSet<String>) -> String {
    resolve_with(path, modules, &BTreeMap::new())
}

fn resolve_with(path: &str, modules: &BTreeSet<String>, aliases: &BTreeMap<String, String>) -> String {
    let parts: Vec<&str> = path.split("::").collect();
    for n in (1..=parts.len()).rev() {
        let key = parts[..n].join("::");
        let key = if modules.contains(&parts[..n - 1].join("::")) || n == 1 { key } else { continue };
        let key = if n == 1 { format!("crate::{key}") } else { key };
        if let Some(target) = aliases.get(&key) {
            return target.clone();
        }
    }
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|p| modules.contains(p))
        .unwrap_or_else(|| "crate".into())
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    walk(&src, &src, &mut files);
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let top: BTreeSet<&str> = modules.iter().filter(|m| !m.contains("::")).map(String::as_str).collect();
    // Re-exports: `pub use crate::a::Item;` in `m` (or `pub use a::Item;` in the root) makes
    // `m::Item` name `a`.
    let mut aliases = BTreeMap::new();
    for (name, text) in &files {
        let code = code_only(text);
        for (i, _) in code.match_indices("pub use ") {
            let rest = &code[i + "pub use ".len()..];
            let rest = rest.strip_prefix("crate::").unwrap_or(rest);
            // `pub use a::b as c;`
            let stmt = rest.split(';').next().unwrap_or("");
            if let Some((path, alias)) = stmt.split_once(" as ")
                && !path.contains('{')
            {
                aliases.insert(format!("{name}::{}", alias.trim()), resolve(path.trim(), &modules));
                continue;
            }
            let mut paths = Vec::new();
            expand("", rest, &mut paths);
            for p in paths {
                let item = p.rsplit("::").next().unwrap_or(&p).to_string();
                let target = resolve(&p, &modules);
                if target != "crate" {
                    aliases.insert(format!("{name}::{item}"), target);
                }
            }
        }
    }
    let mut edges = BTreeMap::new();
    for (name, text) in &files {
        let code = code_only(text);
        let mut paths = Vec::new();
        for (i, _) in code.match_indices("crate::") {
            if i > 0 && code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            expand("", &code[i + "crate::".len()..], &mut paths);
        }
        // `super::` of a module file is its parent (in a nested `mod tests`, the file
        // itself: no edge).
        let parent = name.rsplit_once("::").map_or("crate", |(p, _)| p).to_string();
        if code.contains("super::") && parent != "crate" && !code.contains("mod tests") {
            paths.push(parent.clone());
        }
        if name == "crate" {
            // The root names its modules without `crate::`.
            for m in &top {
                for (i, _) in code.match_indices(&format!("{m}::")) {
                    if i == 0 || !code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                        paths.push((*m).to_string());
                    }
                }
            }
        }
        let to: BTreeSet<String> =
            paths.iter().map(|p| resolve_with(p, &modules, &aliases)).filter(|m| m != name).collect();
        edges.insert(name.clone(), to);
    }
    edges
}

/// One cycle through the graph, if any (depth-first search with colours).
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|s| s == m).unwrap();
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, g, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if state.get(n).copied().unwrap_or(0) == 0
            && let Some(c) = visit(n, g, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

#[test]
fn the_module_graph_has_no_cycle() {
    let g = graph();
    assert!(g.len() > 10, "modules found: {:?}", g.keys());
    // The graph is real: known edges are seen.
    assert!(g["view"].contains("model") && g["layout"].contains("view"), "{:?} {:?}", g["view"], g["layout"]);
    let mut cycles = Vec::new();
    let mut g2 = g.clone();
    // Report every cycle, one at a time: cut the last edge of each found.
    while let Some(c) = find_cycle(&g2) {
        let (a, b) = (&c[c.len() - 2], &c[c.len() - 1]);
        g2.get_mut(a).unwrap().remove(b);
        cycles.push(c.join(" -> "));
    }
    assert!(cycles.is_empty(), "import cycles among the modules of src/:\n{}", cycles.join("\n"));
}

#[test]
fn use_trees_are_expanded() {
    let mut out = Vec::new();
    expand("", "{a::{b, c::D}, e} ;", &mut out);
    assert_eq!(out, ["a::b", "a::c::D", "e"]);
    let modules: BTreeSet<String> = ["a".into(), "a::c".into()].into();
    assert_eq!(resolve("a::c::D", &modules), "a::c");
    assert_eq!(resolve("ItemError", &modules), "crate");
}
