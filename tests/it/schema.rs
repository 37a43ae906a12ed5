//! schema/document.schema.json against the loader (src/data.rs), which is the source of
//! truth: the same keys, the same required keys, the same closed sets (authority, type), and
//! every sample under samples/ both loads and conforms to the schema.
//!
//! There is no JSON Schema crate among our dependencies, so [`check`] below evaluates the
//! keywords the schema uses, except `pattern` (no regex engine either); it refuses a keyword
//! it does not know, so a schema edit that it would silently skip fails here first.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use vanban::doctype;
use vanban::model::Authority;

// The keys `RawDocument`, `RawIssuer` and `RawSigner` in src/data.rs accept. When a key is
// added to (or removed from) the loader, update these lists AND the schema: the tests below
// then check that both agree.
const TOP_KEYS: &[&str] = &[
    "$schema",
    "type",
    "issuer",
    "place",
    "date",
    "so",
    "ky_hieu",
    "trich_yeu",
    "can_cu",
    "can_cu_style",
    "body",
    "body_file",
    "kinh_gui",
    "noi_nhan",
    "luu",
    "signer",
    "annexes",
];
const ISSUER_KEYS: &[&str] = &["parent", "name", "abbreviation", "full_name"];
const SIGNER_KEYS: &[&str] = &["authority", "on_behalf_of", "ky_thay", "thua_lenh", "thua_uy_quyen", "title", "name"];

// Keys without `#[serde(default)]` / `Option` in the loader. `body` / `body_file` are not
// here: exactly one of the two is required (the schema's top-level `oneOf`).
const TOP_REQUIRED: &[&str] = &["type", "issuer", "place", "date", "trich_yeu", "noi_nhan", "signer"];
const ISSUER_REQUIRED: &[&str] = &["name", "abbreviation"];
const SIGNER_REQUIRED: &[&str] = &["title", "name"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema_path() -> PathBuf {
    root().join("schema").join("document.schema.json")
}

fn schema() -> Value {
    let path = schema_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

fn set<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    items.into_iter().map(str::to_owned).collect()
}

fn strings(v: &Value) -> BTreeSet<String> {
    let arr = v.as_array().unwrap_or_else(|| panic!("expected an array, got {v}"));
    arr.iter().map(|x| x.as_str().unwrap_or_else(|| panic!("expected a string, got {x}")).to_owned()).collect()
}

/// `properties` of the object schema at `pointer` ("" = top level).
fn properties<'a>(schema: &'a Value, pointer: &str) -> &'a Map<String, Value> {
    schema
        .pointer(&format!("{pointer}/properties"))
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("schema{pointer} has no properties"))
}

/// The three object levels of the format: (schema pointer, JSON path in a document,
/// accepted keys, required keys).
fn levels() -> [(&'static str, &'static str, &'static [&'static str], &'static [&'static str]); 3] {
    [
        ("", "", TOP_KEYS, TOP_REQUIRED),
        ("/properties/issuer", "/issuer", ISSUER_KEYS, ISSUER_REQUIRED),
        ("/properties/signer", "/signer", SIGNER_KEYS, SIGNER_REQUIRED),
    ]
}

// ---------------------------------------------------------------------------------------
// A small JSON Schema (2020-12) checker for the keywords the schema uses.

/// Keywords [`check`] evaluates.
const CHECKED: &[&str] = &[
    "type",
    "enum",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "items",
    "required",
    "properties",
    "additionalProperties",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "$ref",
];
/// Keywords it skips: annotations, and `pattern` (see the module docs; the loader enforces
/// the same rules in code).
const SKIPPED: &[&str] = &["$schema", "$defs", "title", "description", "examples", "default", "pattern"];

/// Is `v` valid against `schema`? `Err` says where and why not.
fn check(root: &Value, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    let s = schema.as_object().unwrap_or_else(|| panic!("subschema for {at} is not an object"));
    for k in s.keys() {
        assert!(
            CHECKED.contains(&k.as_str()) || SKIPPED.contains(&k.as_str()),
            "keyword {k:?} (for {at}) is not known to tests/schema.rs"
        );
    }
    let fail = |why: String| Err(format!("{}: {why}", if at.is_empty() { "/" } else { at }));
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let target = r.strip_prefix('#').and_then(|p| root.pointer(p)).unwrap_or_else(|| panic!("bad $ref {r}"));
        check(root, target, v, at)?;
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            other => vec![other.as_str().expect("type is a string")],
        };
        if !types.iter().any(|t| has_type(v, t)) {
            return fail(format!("{v} is not of type {t}"));
        }
    }
    if s.get("enum").and_then(Value::as_array).is_some_and(|e| !e.contains(v)) {
        return fail(format!("{v} is not one of the enum"));
    }
    if let Some(n) = v.as_f64() {
        if s.get("minimum").and_then(Value::as_f64).is_some_and(|min| n < min) {
            return fail(format!("{v} is below the minimum"));
        }
        if s.get("maximum").and_then(Value::as_f64).is_some_and(|max| n > max) {
            return fail(format!("{v} is above the maximum"));
        }
        if s.get("exclusiveMinimum").and_then(Value::as_f64).is_some_and(|min| n <= min) {
            return fail(format!("{v} is not above the exclusive minimum"));
        }
    }
    if let Some(text) = v.as_str() {
        let len = text.chars().count() as u64;
        if s.get("minLength").and_then(Value::as_u64).is_some_and(|min| len < min) {
            return fail(format!("{v} is shorter than minLength"));
        }
        if s.get("maxLength").and_then(Value::as_u64).is_some_and(|max| len > max) {
            return fail(format!("{v} is longer than maxLength"));
        }
    }
    if let Some(a) = v.as_array() {
        if s.get("minItems").and_then(Value::as_u64).is_some_and(|min| (a.len() as u64) < min) {
            return fail(format!("fewer than {} items", s["minItems"]));
        }
        if let Some(items) = s.get("items") {
            for (i, x) in a.iter().enumerate() {
                check(root, items, x, &format!("{at}/{i}"))?;
            }
        }
    }
    if let Some(o) = v.as_object() {
        for k in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            let k = k.as_str().expect("required names are strings");
            if !o.contains_key(k) {
                return fail(format!("missing required {k:?}"));
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(sub) => check(root, sub, x, &format!("{at}/{k}"))?,
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    return fail(format!("{k:?} is not allowed"));
                }
                None if s.get("additionalProperties").is_some_and(Value::is_object) => {
                    check(root, &s["additionalProperties"], x, &format!("{at}/{k}"))?
                }
                None => {}
            }
        }
    }
    let ok = |sub: &Value| check(root, sub, v, at).is_ok();
    if s.get("anyOf").and_then(Value::as_array).is_some_and(|any| !any.iter().any(ok)) {
        return fail("no anyOf branch matches".into());
    }
    if let Some(one) = s.get("oneOf").and_then(Value::as_array) {
        let n = one.iter().filter(|sub| ok(sub)).count();
        if n != 1 {
            return fail(format!("{n} oneOf branches match, need exactly 1"));
        }
    }
    if s.get("not").is_some_and(ok) {
        return fail(format!("{v} matches a `not`"));
    }
    if let Some(cond) = s.get("if") {
        let branch = if ok(cond) { s.get("then") } else { s.get("else") };
        if let Some(branch) = branch {
            check(root, branch, v, at)?;
        }
    }
    Ok(())
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        other => panic!("unknown type {other:?}"),
    }
}

fn conforms(schema: &Value, doc: &Value) -> Result<(), String> {
    check(schema, schema, doc, "")
}

/// Load a document given as JSON the way `vanban render` does. `dir` anchors `body_file`.
fn loads(doc: &Value, dir: &Path) -> Result<(), String> {
    vanban::data::parse(&dir.join("mutation.json"), &doc.to_string()).map(drop).map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------

#[test]
fn schema_is_draft_2020_12_and_documented() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    for (pointer, _, _, _) in levels() {
        let level = s.pointer(pointer).unwrap();
        assert_eq!(level["type"], "object", "schema{pointer}");
        assert_eq!(level["additionalProperties"], false, "schema{pointer}: unknown keys are refused by the loader");
        for (key, prop) in properties(&s, pointer) {
            let d = prop["description"].as_str().unwrap_or_else(|| panic!("schema{pointer}/{key}: no description"));
            // Vietnamese, a blank line, English.
            let (vi, en) = d
                .split_once("\n\n")
                .unwrap_or_else(|| panic!("schema{pointer}/{key}: description needs Vietnamese + English"));
            assert!(!vi.trim().is_empty() && !en.trim().is_empty(), "schema{pointer}/{key}");
        }
    }
    // The checker understands every keyword the schema uses (it panics otherwise).
    conforms(&s, &base()).unwrap();
}

#[test]
fn keys_match_the_loader() {
    let s = schema();
    for (pointer, path, keys, _) in levels() {
        let declared: BTreeSet<String> = properties(&s, pointer).keys().cloned().collect();
        assert_eq!(declared, set(keys.iter().copied()), "schema{pointer}/properties vs the loader's keys");

        // The loader's own list, from its "unknown field" message (serde names every
        // accepted field there).
        let mut doc = base();
        doc.pointer_mut(path).unwrap().as_object_mut().unwrap().insert("khong_co".into(), json!("x"));
        let err = loads(&doc, &root()).expect_err("an unknown key is refused");
        let after =
            err.split("các trường hợp lệ: ").nth(1).unwrap_or_else(|| panic!("{path}: unexpected message {err}"));
        // `… (các trường hợp lệ: $schema, type, …)`: the names.
        let listed: BTreeSet<String> = after.trim_end().trim_end_matches(')').split(", ").map(str::to_owned).collect();
        assert_eq!(listed, set(keys.iter().copied()), "{path}: keys the loader lists in \"{err}\"");
    }
}

#[test]
fn required_keys_match_the_loader() {
    let s = schema();
    for (pointer, path, keys, required) in levels() {
        let level = s.pointer(pointer).unwrap();
        assert_eq!(strings(&level["required"]), set(required.iter().copied()), "schema{pointer}/required");

        // Drop each key in turn from a complete document: exactly the required ones (and
        // `body`, the inline half of the body-or-body_file choice) make it fail. The signer
        // is `Q.` here, which needs no `on_behalf_of` (see the authority test).
        let mut needed = BTreeSet::new();
        for key in keys.iter().copied() {
            let mut doc = base();
            doc["signer"]["authority"] = json!("Q");
            doc["signer"].as_object_mut().unwrap().remove("on_behalf_of");
            doc.pointer_mut(path).unwrap().as_object_mut().unwrap().remove(key);
            if loads(&doc, &root()).is_err() {
                needed.insert(key.to_owned());
            }
        }
        let mut expected = set(required.iter().copied());
        if path.is_empty() {
            expected.insert("body".into());
        }
        assert_eq!(needed, expected, "{path}: keys the loader cannot do without");
    }
}

#[test]
fn body_or_body_file_exactly_one() {
    let s = schema();
    let branches: Vec<BTreeSet<String>> =
        s["oneOf"].as_array().unwrap().iter().map(|b| strings(&b["required"])).collect();
    assert_eq!(branches, [set(["body"]), set(["body_file"])]);

    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("noi-dung.txt"), "I. MỤC ĐÍCH\n- Nội dung.\n").unwrap();
    let dir = tmp.path().to_path_buf();
    let with_file = |doc: &mut Value| {
        doc["body_file"] = json!("noi-dung.txt");
    };
    let mut file_only = base();
    file_only.as_object_mut().unwrap().remove("body");
    with_file(&mut file_only);
    let mut both = base();
    with_file(&mut both);
    let mut neither = base();
    neither.as_object_mut().unwrap().remove("body");

    assert_eq!((conforms(&s, &base()).is_ok(), loads(&base(), &dir).is_ok()), (true, true), "body");
    assert_eq!((conforms(&s, &file_only).is_ok(), loads(&file_only, &dir).is_ok()), (true, true), "body_file");
    assert_eq!((conforms(&s, &both).is_ok(), loads(&both, &dir).is_ok()), (false, false), "both");
    assert_eq!((conforms(&s, &neither).is_ok(), loads(&neither, &dir).is_ok()), (false, false), "neither");
}

#[test]
fn authority_enum_is_the_five_nd30_prefixes() {
    let s = schema();
    let authority = &s["properties"]["signer"]["properties"]["authority"];
    let values = strings(&authority["enum"]);
    let bare: BTreeSet<String> = values.iter().map(|v| v.trim_end_matches('.').to_owned()).collect();
    assert_eq!(bare, set(["TM", "KT", "TL", "TUQ", "Q"]));
    for v in &values {
        assert!(Authority::parse(v).is_some(), "the loader refuses authority {v:?}");
    }

    // `on_behalf_of` is required exactly for the prefixes that stand before another name.
    let signer = &s["properties"]["signer"];
    assert_eq!(signer["then"]["required"], json!(["on_behalf_of"]));
    let conditional = strings(&signer["if"]["properties"]["authority"]["enum"]);
    let needing: BTreeSet<String> =
        values.iter().filter(|v| Authority::parse(v).is_some_and(Authority::needs_on_behalf_of)).cloned().collect();
    assert_eq!(conditional, needing, "signer/if: authorities that need on_behalf_of");

    for v in &values {
        let mut with = base();
        with["signer"]["authority"] = json!(v);
        with["signer"]["on_behalf_of"] = json!("CHỦ TỊCH");
        // Not a deputy: under TM. a PHÓ title would need `ky_thay` (tested with the loader).
        with["signer"]["title"] = json!("CHÁNH VĂN PHÒNG");
        // on_behalf_of belongs to exactly these prefixes (`else` branch: refused with `Q.`).
        let expected = needing.contains(v);
        assert_eq!(conforms(&s, &with).is_ok(), expected, "schema: {v} with on_behalf_of");
        assert_eq!(loads(&with, &root()).is_ok(), expected, "loader: {v} with on_behalf_of");
        let mut without = with.clone();
        without["signer"].as_object_mut().unwrap().remove("on_behalf_of");
        let expected = !needing.contains(v);
        assert_eq!(conforms(&s, &without).is_ok(), expected, "schema: {v} without on_behalf_of");
        assert_eq!(loads(&without, &root()).is_ok(), expected, "loader: {v} without on_behalf_of");
    }
}

#[test]
fn type_enum_is_the_supported_slugs() {
    let s = schema();
    let supported: BTreeSet<String> =
        doctype::ALL.iter().filter(|t| t.is_supported()).map(|t| t.slug.to_owned()).collect();
    assert_eq!(
        strings(&s["$defs"]["type_slug"]["enum"]),
        supported,
        "$defs/type_slug: the supported slugs of doctype::ALL"
    );
    assert_eq!(s["properties"]["type"]["anyOf"][0]["$ref"], "#/$defs/type_slug");

    // The `not` list: every way of naming an unsupported type that the loader recognises
    // (and refuses as "chưa được hỗ trợ").
    let mut refused = BTreeSet::new();
    for t in doctype::ALL.iter().filter(|t| !t.is_supported()) {
        refused.extend([
            t.slug.to_owned(),
            t.slug.replace('_', "-"),
            t.name.to_owned(),
            t.name.to_lowercase(),
            t.name.to_uppercase(),
        ]);
        refused.extend(t.abbreviation.map(str::to_owned));
    }
    let listed = strings(&s["properties"]["type"]["not"]["enum"]);
    assert_eq!(listed, refused, "type/not/enum: the unsupported types");
    for key in &listed {
        assert!(doctype::lookup(key).is_some_and(|t| !t.is_supported()), "{key:?} must name an unsupported type");
    }

    // Schema and loader agree on every slug, hyphenated slug, name and abbreviation.
    for t in doctype::ALL {
        let mut keys = vec![t.slug.to_owned(), t.slug.replace('_', "-"), t.name.to_owned(), t.name.to_uppercase()];
        keys.extend(t.abbreviation.map(str::to_owned));
        for key in keys {
            let mut doc = base();
            doc["type"] = json!(key);
            // An explicit ký hiệu must start with the type's abbreviation; let it be composed.
            doc.as_object_mut().unwrap().remove("ky_hieu");
            assert_eq!(conforms(&s, &doc).is_ok(), t.is_supported(), "schema: type {key:?}");
            assert_eq!(loads(&doc, &root()).is_ok(), t.is_supported(), "loader: type {key:?}");
        }
    }
}

/// Changes to a valid document, and whether schema and loader accept the result. Where the
/// loader is more lenient than the schema (`schema: false, loader: true`) the schema is
/// deliberately stricter; the reverse must never happen.
#[test]
fn schema_and_loader_agree_on_edge_cases() {
    type Edit = fn(&mut Value);
    let cases: &[(&str, Edit, bool, bool)] = &[
        ("so null (draft)", |d| d["so"] = Value::Null, true, true),
        ("so 0", |d| d["so"] = json!(0), false, false),
        ("so -3", |d| d["so"] = json!(-3), false, false),
        ("so 1.5", |d| d["so"] = json!(1.5), false, false),
        ("so \"12\"", |d| d["so"] = json!("12"), false, false),
        ("so beyond u32", |d| d["so"] = json!(4_294_967_296_u64), false, false),
        (
            "no so",
            |d| {
                d.as_object_mut().unwrap().remove("so");
            },
            true,
            true,
        ),
        ("can_cu null", |d| d["can_cu"] = Value::Null, false, false),
        ("can_cu empty", |d| d["can_cu"] = json!([]), true, true),
        (
            "annex kind bang with a group value",
            |d| {
                d["annexes"] = json!([{"id": "d", "title": "Bảng điểm\nnăm 2025", "kind": "bang",
                    "columns": [{"key": "stt", "label": "STT"}, {"key": "tieu_chi", "label": "Tiêu chí"}, {"key": "diem", "label": "Điểm"}],
                    "rows": [{"group": "Nhóm xã", "diem": 115}, {"tieu_chi": "Ban hành\n*kế hoạch*", "diem": 10}]}])
            },
            true,
            true,
        ),
        (
            "annex kind unknown",
            |d| d["annexes"] = json!([{"id": "d", "title": "T", "kind": "danh_sach", "rows": [{"nhiem_vu": "x"}]}]),
            false,
            false,
        ),
        (
            "annex rows and rows_from",
            |d| d["annexes"] = json!([{"id": "d", "title": "T", "rows": [{"nhiem_vu": "x"}], "rows_from": "a.xlsx"}]),
            false,
            false,
        ),
        ("annex without rows", |d| d["annexes"] = json!([{"id": "d", "title": "T"}]), false, false),
        (
            "annex sheet without rows_from",
            |d| d["annexes"] = json!([{"id": "d", "title": "T", "rows": [{"nhiem_vu": "x"}], "sheet": "A"}]),
            false,
            false,
        ),
        ("can_cu_style italic", |d| d["can_cu_style"] = json!("italic"), true, true),
        ("can_cu_style nghieng", |d| d["can_cu_style"] = json!("nghieng"), false, false),
        ("noi_nhan empty", |d| d["noi_nhan"] = json!([]), false, false),
        ("noi_nhan a string", |d| d["noi_nhan"] = json!("Sở Nội vụ"), false, false),
        (
            "noi_nhan with sub-items",
            |d| d["noi_nhan"] = json!(["Bộ Nội vụ (để b/c)", {"name": "UBND các xã", "items": ["xã A", "xã B"]}]),
            true,
            true,
        ),
        ("noi_nhan sub-items empty", |d| d["noi_nhan"] = json!([{"name": "UBND các xã", "items": []}]), false, false),
        ("noi_nhan sub-item without name", |d| d["noi_nhan"] = json!([{"items": ["xã A"]}]), false, false),
        (
            "noi_nhan sub-item unknown key",
            |d| d["noi_nhan"] = json!([{"name": "A", "items": ["b"], "x": 1}]),
            false,
            false,
        ),
        ("noi_nhan a number", |d| d["noi_nhan"] = json!([7]), false, false),
        ("issuer a string", |d| d["issuer"] = json!("UBND"), false, false),
        ("authority XYZ", |d| d["signer"]["authority"] = json!("XYZ"), false, false),
        ("unknown top key", |d| d["ghi_chu"] = json!("x"), false, false),
        ("unknown issuer key", |d| d["issuer"]["dia_chi"] = json!("x"), false, false),
        ("unknown signer key", |d| d["signer"]["chu_ky"] = json!("x"), false, false),
        ("TM. + KT.", |d| tm_under(d, &[("ky_thay", "CHỦ TỊCH")]), true, true),
        ("TM. + TL.", |d| tm_under(d, &[("thua_lenh", "CHỦ TỊCH")]), true, true),
        ("TM. + TUQ.", |d| tm_under(d, &[("thua_uy_quyen", "CHỦ TỊCH")]), true, true),
        ("TM. + KT. + TL.", |d| tm_under(d, &[("ky_thay", "CHỦ TỊCH"), ("thua_lenh", "CHỦ TỊCH")]), false, false),
        ("KT. + ky_thay", |d| d["signer"]["ky_thay"] = json!("CHỦ TỊCH"), false, false),
        // Schema stricter than the loader:
        ("authority lower case", |d| d["signer"]["authority"] = json!("kt"), false, true),
        ("authority empty", |d| d["signer"]["authority"] = json!(""), false, false),
        (
            "authority empty without on_behalf_of",
            |d| {
                d["signer"]["authority"] = json!("");
                d["signer"].as_object_mut().unwrap().remove("on_behalf_of");
            },
            false,
            true,
        ),
        ("parent null", |d| d["issuer"]["parent"] = Value::Null, false, true),
        ("ky_hieu null", |d| d["ky_hieu"] = Value::Null, false, true),
    ];
    let s = schema();
    for (name, edit, schema_ok, loader_ok) in cases {
        let mut doc = base();
        edit(&mut doc);
        assert_eq!(conforms(&s, &doc).is_ok(), *schema_ok, "schema: {name}: {:?}", conforms(&s, &doc));
        assert_eq!(loads(&doc, &root()).is_ok(), *loader_ok, "loader: {name}: {:?}", loads(&doc, &root()));
        assert!(!*schema_ok || *loader_ok, "{name}: the schema must never accept what the loader refuses");
    }
}

#[test]
fn samples_load_and_conform() {
    let s = schema();
    let mut files = Vec::new();
    json_files(&root().join("samples"), &mut files);
    assert!(!files.is_empty(), "no samples found");
    // Unit reports and the summary configuration (`bao-cao/`) are not documents.
    files.retain(|f| !f.components().any(|c| c.as_os_str() == "bao-cao"));
    for file in &files {
        vanban::data::load(file).unwrap_or_else(|e| panic!("{e}"));
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for (pointer, path, _, _) in levels() {
            let declared = properties(&s, pointer);
            for key in doc.pointer(path).and_then(Value::as_object).unwrap().keys() {
                assert!(declared.contains_key(key), "{}: {path}/{key} is not in the schema", file.display());
            }
        }
        conforms(&s, &doc).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        // Its `$schema` points at our schema.
        let declared = doc["$schema"].as_str().unwrap_or_else(|| panic!("{}: no $schema", file.display()));
        let target = file.parent().unwrap().join(declared).canonicalize().unwrap();
        assert_eq!(target, schema_path().canonicalize().unwrap(), "{}: $schema", file.display());
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

/// Sign as a deputy for the collective body: `TM.` with the given second-line keys.
fn tm_under(d: &mut Value, keys: &[(&str, &str)]) {
    d["signer"]["authority"] = json!("TM");
    d["signer"]["on_behalf_of"] = json!("ỦY BAN NHÂN DÂN");
    for (k, v) in keys {
        d["signer"][*k] = json!(v);
    }
}

/// A complete, valid document with every optional key present (body inline, no
/// `body_file`), so that tests can remove or change one thing at a time.
fn base() -> Value {
    json!({
        "$schema": "../../schema/document.schema.json",
        "type": "ke_hoach",
        "issuer": {
            "parent": "UBND TỈNH NGHỆ AN",
            "name": "SỞ NỘI VỤ",
            "abbreviation": "SNV",
            "full_name": "Sở Nội vụ tỉnh Nghệ An"
        },
        "place": "Nghệ An",
        "date": "2026-02-03",
        "so": 7,
        "ky_hieu": "KH-SNV",
        "trich_yeu": "Kiểm tra công tác văn thư năm 2026",
        "can_cu": ["Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư"],
        "body": "I. MỤC ĐÍCH\n1. Mục đích\n- Kiểm tra việc thực hiện quy định về công tác văn thư.",
        "noi_nhan": ["Ủy ban nhân dân tỉnh"],
        "luu": "VT",
        "signer": {
            "authority": "KT",
            "on_behalf_of": "GIÁM ĐỐC",
            "title": "PHÓ GIÁM ĐỐC",
            "name": "Nguyễn Văn An"
        }
    })
}

// ---------------------------------------------------------------------------------------
// Loader fuzz: seeded random mutations of valid inputs (documents, unit reports, summary
// configurations) through the loaders. Every input must give a value or located Vietnamese
// problems, never a panic. Deterministic (fixed seeds), a few seconds in CI; a failure
// prints the input, to be kept below as a regression case.

/// xorshift64*: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Values known to have broken a loader, or at a boundary.
fn nasty(rng: &mut Rng) -> Value {
    let pick = [
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1),
        json!(255),
        json!(256),
        json!(4_294_967_296u64),
        json!(9_223_372_036_854_775_808u64),
        json!(u64::MAX),
        json!(1_000_000_000_001u64),
        json!(1.5),
        json!(1e300),
        json!(""),
        json!(" "),
        json!("\u{05d0}\u{05d1}"),
        json!("\u{0627}\u{0644}\u{0639}\u{0631}\u{0628}\u{064a}\u{0629}"),
        json!("a\nb"),
        json!("\u{0000}\u{001b}"),
        json!("2022-02-30"),
        json!("{{phu_luc.x}}"),
        json!("*đậm* | bảng | _x_ #h $m$ <b> \\ @ ="),
        json!("x".repeat(40_000)),
        json!("stt"),
        json!("group"),
        json!([]),
        json!([[]]),
        json!({}),
        json!({"group": 1}),
        json!({"key": "stt", "label": ""}),
    ];
    pick[rng.below(pick.len())].clone()
}

/// Every pointer of a value (objects and arrays included).
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                pointers(x, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn mutate(rng: &mut Rng, v: &mut Value) {
    let mut all = Vec::new();
    pointers(v, String::new(), &mut all);
    let at = all[rng.below(all.len())].clone();
    let new_key = ["x", "stt", "items", "group", "bold", "$schema", "type", "ky_thay"][rng.below(8)];
    let target = v.pointer_mut(&at).unwrap();
    match (rng.below(6), target) {
        (0, Value::Object(m)) if !m.is_empty() => {
            let k = m.keys().nth(rng.below(m.len())).unwrap().clone();
            m.shift_remove(&k);
        }
        (1, Value::Object(m)) => {
            m.insert(new_key.into(), nasty(rng));
        }
        (2, Value::Array(a)) if !a.is_empty() => {
            let i = rng.below(a.len());
            let copy = a[i].clone();
            a.insert(i, copy);
        }
        (3, Value::Array(a)) => a.clear(),
        (4, t) => *t = json!([t.clone()]),
        (_, t) => *t = nasty(rng),
    }
}

/// Text-level damage: truncation, a stray byte, a key written twice.
fn damage(rng: &mut Rng, text: &str) -> String {
    let cut = |n: usize| (0..=n).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    match rng.below(3) {
        0 => text[..cut(rng.below(text.len()))].to_string(),
        1 => {
            let i = cut(rng.below(text.len()));
            let stray = ["}", "]", ",", "\"", ":", "\\", "\u{feff}", "0"][rng.below(8)];
            format!("{}{stray}{}", &text[..i], &text[i..])
        }
        _ => text.replacen("{\"", "{\"type\": 1, \"", 1),
    }
}

const ENGLISH_WORDS: [&str; 10] = [
    "expected",
    "invalid",
    "unknown",
    "one of",
    "out of range",
    "missing field",
    "variant",
    "struct ",
    "sequence",
    "EOF",
];

/// The loader's answer is a value, or problems that are located and Vietnamese.
fn assert_located(input: &str, parsed: Option<&Value>, result: Result<(), vanban::data::InputError>) {
    let Err(e) = result else { return };
    assert!(!e.problems.is_empty(), "an error without problems for\n{input}");
    for p in &e.problems {
        assert!(!p.message.trim().is_empty(), "empty message for\n{input}");
        for w in ENGLISH_WORDS {
            assert!(!p.message.contains(w), "English \"{w}\" in \"{}\" for\n{input}", p.message);
        }
        assert!(p.pointer.is_empty() || p.pointer.starts_with('/'), "pointer {:?}", p.pointer);
        // A path names the input: the place itself, or (a missing field) its parent.
        if let Some(v) = parsed
            && !p.pointer.is_empty()
        {
            let parent = p.pointer.rsplit_once('/').map_or("", |(a, _)| a);
            assert!(
                v.pointer(&p.pointer).is_some() || v.pointer(parent).is_some(),
                "{}: {} names nothing in\n{input}",
                p.pointer,
                p.message
            );
        }
    }
}

/// Run `load` on `count` mutations of `seed` (written to `file` when the loader reads files).
fn fuzz(seed: &Value, count: usize, rng_seed: u64, load: &dyn Fn(&str) -> Result<(), vanban::data::InputError>) {
    let mut rng = Rng(rng_seed);
    for _ in 0..count {
        let mut v = seed.clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut rng, &mut v);
        }
        let mut text = v.to_string();
        if rng.below(8) == 0 {
            text = damage(&mut rng, &text);
        }
        let parsed: Option<Value> = serde_json::from_str(&text).ok();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| load(&text)));
        let Ok(result) = result else { panic!("loader panicked on\n{text}") };
        assert_located(&text, parsed.as_ref(), result);
    }
}

fn document_seed() -> Value {
    json!({
        "type": "ke_hoach",
        "issuer": {"parent": "UBND TỈNH", "name": "ỦY BAN NHÂN DÂN\nXÃ KIM LIÊN", "abbreviation": "UBND", "full_name": "Ủy ban nhân dân xã Kim Liên"},
        "place": "Kim Liên",
        "date": "2025-09-05",
        "so": 7,
        "trich_yeu": "Thử nghiệm",
        "can_cu": ["Luật A"],
        "body": "I. MỤC ĐÍCH\nNội dung {{phu_luc.a}}.",
        "kinh_gui": ["Sở Nội vụ"],
        "noi_nhan": ["UBND tỉnh"],
        "luu": "VT",
        "signer": {"authority": "KT", "on_behalf_of": "Chủ tịch", "title": "Phó Chủ tịch", "name": "Nguyễn Văn A"},
        "annexes": [{
            "id": "a", "title": "Nhiệm vụ", "numbering": "nested", "orientation": "auto",
            "columns": [{"key": "stt", "label": "STT"}, {"key": "nv", "label": "Nhiệm vụ", "width": 3, "align": "left"}],
            "rows": [{"group": "Nhóm"}, {"nv": "Việc", "items": [{"nv": "Việc con"}]}, {"stt": "", "nv": "Tổng", "bold": true}]
        }]
    })
}

#[test]
fn fuzz_document_loader() {
    let seed = document_seed();
    assert!(vanban::data::parse(Path::new("seed.json"), &seed.to_string()).is_ok(), "the seed is valid");
    fuzz(&seed, 3000, 0x9e37_79b9_7f4a_7c15, &|text| vanban::data::parse(Path::new("f.json"), text).map(|_| ()));
    let sample: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("samples/ninh-giang-2022/ke-hoach.json")).unwrap())
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("samples/ninh-giang-2022/ke-hoach.noi-dung.txt"),
        dir.path().join("ke-hoach.noi-dung.txt"),
    )
    .unwrap();
    let file = dir.path().join("ke-hoach.json");
    fuzz(&sample, 300, 7, &|text| vanban::data::parse(&file, text).map(|_| ()));
}

#[test]
fn fuzz_unit_report_and_configuration_loaders() {
    let dir = tempfile::tempdir().unwrap();
    let base = root().join("samples/ninh-giang-2022");
    let read = |p: &str| serde_json::from_str::<Value>(&std::fs::read_to_string(base.join(p)).unwrap()).unwrap();
    let report = read("bao-cao/quy-1/phong-noi-vu.json");
    let file = dir.path().join("r.json");
    fuzz(&report, 1500, 11, &|text| {
        std::fs::write(&file, text).unwrap();
        vanban::summary::load_report(&file).map(|_| ())
    });
    // The configuration, without its plan (loaded once below) to keep this fast.
    let mut config = read("bao-cao/tong-hop.json");
    config.as_object_mut().unwrap().remove("plan");
    config.as_object_mut().unwrap().remove("annex");
    let file = dir.path().join("tong-hop.json");
    fuzz(&config, 1000, 13, &|text| {
        std::fs::write(&file, text).unwrap();
        vanban::summary::load_config(&file).map(|_| ())
    });
}

#[test]
fn fuzz_report_frame() {
    let base = root().join("samples/ninh-giang-2022/bao-cao");
    let config = vanban::summary::load_config(&base.join("tong-hop.json")).unwrap();
    let reports = vanban::summary::report_files(&base.join("quy-1"))
        .unwrap()
        .iter()
        .map(|f| vanban::summary::load_report(f).unwrap())
        .collect();
    let summary = vanban::summary::summarise(config, reports, &[], None).unwrap();
    let content = vanban::content::Content::new(None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bao-cao.json");
    let frame = read_value(&base.join("bao-cao.json"));
    fuzz(&frame, 300, 17, &|text| {
        std::fs::write(&file, text).unwrap();
        let req = vanban::report::ReportRequest { frame: &file, template: None, so: None, date: None, previous: None };
        match vanban::report::build(&summary, &content, &req) {
            Ok(_) => Ok(()),
            Err(vanban::report::ReportError::Input(e)) => Err(e),
            // A template error (a bad trích yếu template) is the template's message.
            Err(vanban::report::ReportError::Content(e)) => {
                assert!(e.to_string().starts_with("mẫu "), "{e}");
                Ok(())
            }
        }
    });
}

#[test]
fn loader_regressions() {
    let parse = |v: &Value| vanban::data::parse(Path::new("r.json"), &v.to_string());
    // An annex without columns (used to panic: index out of bounds), directly and as a plan.
    let mut d = document_seed();
    d["annexes"][0]["columns"] = json!([]);
    let e = parse(&d).unwrap_err();
    assert!(e.problems.iter().any(|p| p.pointer == "/annexes/0/columns"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.json"), d.to_string()).unwrap();
    let mut config = serde_json::from_str::<Value>(
        &std::fs::read_to_string(root().join("samples/ninh-giang-2022/bao-cao/tong-hop.json")).unwrap(),
    )
    .unwrap();
    config["plan"] = "plan.json".into();
    config["annex"] = "a".into();
    std::fs::write(dir.path().join("tong-hop.json"), config.to_string()).unwrap();
    let e = vanban::summary::load_config(&dir.path().join("tong-hop.json")).unwrap_err();
    assert!(e.to_string().contains("/annexes/0/columns"), "{e}");
    // Hebrew and Arabic letters are legal text: the loader keeps them as they are.
    let mut d = document_seed();
    d["signer"]["name"] = "\u{05d0}\u{05d1}".into();
    d["annexes"][0]["rows"][1]["nv"] = "\u{0627}\u{0644}".into();
    let doc = parse(&d).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.header.signer.name, "\u{05d0}\u{05d1}");
    // A list as a document; a figure of 2^63.
    let e = vanban::data::parse(Path::new("r.json"), "[]").unwrap_err();
    assert_eq!(e.problems[0].message, "sai kiểu dữ liệu: cần đối tượng JSON ({...}), nhận được danh sách 0 phần tử");
    let mut r = serde_json::from_str::<Value>(
        &std::fs::read_to_string(root().join("samples/ninh-giang-2022/bao-cao/quy-1/phong-noi-vu.json")).unwrap(),
    )
    .unwrap();
    r["figures"]["van_ban"] = json!(9_223_372_036_854_775_808u64);
    std::fs::write(dir.path().join("r.json"), r.to_string()).unwrap();
    let e = vanban::summary::load_report(&dir.path().join("r.json")).unwrap_err();
    assert_eq!(e.problems[0].pointer, "/figures/van_ban");
}

// ---------------------------------------------------------------------------------------
// The schemas of the reporting files: unit reports, tong-hop.json, bao-cao.json.

fn read_value(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The keys a loader accepts, from its "unknown key" message.
fn listed_keys(err: &str) -> BTreeSet<String> {
    let after = err.split("các trường hợp lệ: ").nth(1).unwrap_or_else(|| panic!("unexpected message {err}"));
    let list = after.split(')').next().unwrap();
    list.split(", ").map(str::to_owned).collect()
}

#[test]
fn reporting_schemas_match_the_samples_and_the_loaders() {
    let base = root().join("samples/ninh-giang-2022/bao-cao");
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("x.json");

    // Unit reports.
    let schema = read_value(&root().join("schema/unit-report.schema.json"));
    let mut reports: Vec<PathBuf> = Vec::new();
    for period in ["quy-1", "quy-2", "6-thang"] {
        reports.extend(vanban::summary::report_files(&base.join(period)).unwrap());
    }
    assert!(reports.len() > 60);
    for r in &reports {
        conforms(&schema, &read_value(r)).unwrap_or_else(|e| panic!("{}: {e}", r.display()));
        vanban::summary::load_report(r).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut v = read_value(&reports[0]);
    v["khong_co"] = json!(1);
    std::fs::write(&tmp, v.to_string()).unwrap();
    let err = vanban::summary::load_report(&tmp).unwrap_err().to_string();
    assert_eq!(listed_keys(&err), properties(&schema, "").keys().cloned().collect::<BTreeSet<_>>());
    // The bound of a figure: the schema's maximum is the loader's.
    for (figure, ok) in [(1_000_000_000_000u64, true), (1_000_000_000_001, false)] {
        let mut v = read_value(&reports[0]);
        v["figures"]["van_ban"] = json!(figure);
        std::fs::write(&tmp, v.to_string()).unwrap();
        assert_eq!(conforms(&schema, &v).is_ok(), ok);
        assert_eq!(vanban::summary::load_report(&tmp).is_ok(), ok, "{figure}");
    }

    // tong-hop.json.
    let schema = read_value(&root().join("schema/tong-hop.schema.json"));
    let config = read_value(&base.join("tong-hop.json"));
    conforms(&schema, &config).unwrap();
    vanban::summary::load_config(&base.join("tong-hop.json")).unwrap_or_else(|e| panic!("{e}"));
    let mut v = config.clone();
    v.as_object_mut().unwrap().remove("plan");
    v["khong_co"] = json!(1);
    std::fs::write(&tmp, v.to_string()).unwrap();
    let err = vanban::summary::load_config(&tmp).unwrap_err().to_string();
    assert_eq!(listed_keys(&err), properties(&schema, "").keys().cloned().collect::<BTreeSet<_>>());
    for (pointer, keys) in
        [("/indicators/0", "/properties/indicators/items"), ("/groups/0", "/properties/groups/items")]
    {
        let mut v = config.clone();
        v.as_object_mut().unwrap().remove("plan");
        v.pointer_mut(pointer).unwrap()["khong_co"] = json!(1);
        std::fs::write(&tmp, v.to_string()).unwrap();
        let err = vanban::summary::load_config(&tmp).unwrap_err().to_string();
        assert_eq!(listed_keys(&err), properties(&schema, keys).keys().cloned().collect::<BTreeSet<_>>(), "{pointer}");
    }

    // bao-cao.json: checked by `report` before anything is written.
    let schema = read_value(&root().join("schema/bao-cao.schema.json"));
    let frame = read_value(&base.join("bao-cao.json"));
    conforms(&schema, &frame).unwrap();
    let mut v = frame.clone();
    v["khong_co"] = json!(1);
    std::fs::write(&tmp, v.to_string()).unwrap();
    let config = vanban::summary::load_config(&base.join("tong-hop.json")).unwrap();
    let reports = vanban::summary::report_files(&base.join("quy-1"))
        .unwrap()
        .iter()
        .map(|f| vanban::summary::load_report(f).unwrap())
        .collect();
    let summary = vanban::summary::summarise(config, reports, &[], None).unwrap();
    let content = vanban::content::Content::new(None).unwrap();
    let req = vanban::report::ReportRequest { frame: &tmp, template: None, so: None, date: None, previous: None };
    let err = vanban::report::build(&summary, &content, &req).unwrap_err().to_string();
    assert_eq!(listed_keys(&err), properties(&schema, "").keys().cloned().collect::<BTreeSet<_>>());
}
