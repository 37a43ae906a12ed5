//! Stage 1: load and validate. JSON input (and the body `.txt` beside it) becomes a typed
//! [`Document`], or a list of problems that each name the file, the JSON path and what
//! was expected.
//!
//! This is the only stage that reads input files. Paths in the data (`body_file`, an
//! annex's `rows_from`, read by [`crate::input::annex_xlsx`]) may only point inside the
//! input's own directory.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

use crate::annex::{self, Annex, Column, Numbering, RawRow};
use crate::body;
use crate::doctype::{self, DocType, FamilyKind};
use crate::fsio;
use crate::model::{Authority, CanCu, Document, Family, Header, IssueDate, Issuer, Named, Recipient, Signer};
use crate::vn;

use crate::date::date_shape;
pub use crate::date::parse_date;
pub use crate::diag::{InputError, Problem};
pub use crate::fsio::{MAX_INPUT_BYTES, io_reason};

// ---------------------------------------------------------------------------------------
// The input format. Field names are the JSON keys; see README "Input format" and
// schema/document.schema.json (kept in sync by tests/schema.rs).

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    #[serde(rename = "$schema")]
    _schema: Option<String>,
    #[serde(rename = "type")]
    doc_type: String,
    issuer: RawIssuer,
    place: String,
    date: String,
    #[serde(default)]
    so: Option<u32>,
    #[serde(default)]
    ky_hieu: Option<String>,
    trich_yeu: String,
    #[serde(default)]
    can_cu: Vec<String>,
    #[serde(default)]
    can_cu_style: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    body_file: Option<String>,
    #[serde(default)]
    kinh_gui: Vec<String>,
    noi_nhan: Vec<serde_json::Value>,
    #[serde(default)]
    luu: Option<String>,
    signer: RawSigner,
    #[serde(default)]
    annexes: Vec<RawAnnex>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnnex {
    id: String,
    title: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    numbering: Option<String>,
    #[serde(default)]
    orientation: Option<String>,
    #[serde(default)]
    sheet_name: Option<String>,
    #[serde(default)]
    columns: Option<Vec<RawColumn>>,
    #[serde(default)]
    rows: Option<Vec<serde_json::Map<String, serde_json::Value>>>,
    #[serde(default)]
    rows_from: Option<String>,
    #[serde(default)]
    sheet: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    key: String,
    label: String,
    #[serde(default)]
    width: Option<f64>,
    #[serde(default)]
    align: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIssuer {
    #[serde(default)]
    parent: Option<String>,
    name: String,
    abbreviation: String,
    #[serde(default)]
    full_name: Option<String>,
}

/// The signer as written in the input (`signer` of a document; the head's signature of
/// a summary workbook's footer uses the same fields).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawSigner {
    /// `TM`, `KT`, `TL`, `TUQ`, `Q`.
    #[serde(default)]
    pub authority: Option<String>,
    /// What the prefix applies to.
    #[serde(default)]
    pub on_behalf_of: Option<String>,
    /// Under `TM.`: the head's title after `KT.`.
    #[serde(default)]
    pub ky_thay: Option<String>,
    /// Under `TM.`: the head's title after `TL.`.
    #[serde(default)]
    pub thua_lenh: Option<String>,
    /// Under `TM.`: the head's title after `TUQ.`.
    #[serde(default)]
    pub thua_uy_quyen: Option<String>,
    /// The signer's own title.
    pub title: String,
    /// Họ tên.
    pub name: String,
}

/// Check a signer with the rules of a document's `signer`; problems are located under
/// `pointer` (`/footer`) instead of `/signer`.
///
/// # Errors
/// Every problem found, with its JSON path.
pub fn check_signer(file: &Path, pointer: &str, raw: &RawSigner) -> Result<Signer, Vec<Problem>> {
    let mut v = Validator { file, problems: Vec::new() };
    let signer = v.signer(raw);
    if v.problems.is_empty() {
        return Ok(signer);
    }
    Err(v
        .problems
        .into_iter()
        .map(|p| Problem {
            pointer: format!("{pointer}{}", p.pointer.strip_prefix("/signer").unwrap_or(&p.pointer)),
            message: p.message,
        })
        .collect())
}

/// Read and validate one document file.
///
/// # Errors
/// [`InputError`] when the file cannot be read, is not JSON, does not have the expected
/// shape, or has values ND30 does not allow (an impossible date, an unknown type …), with
/// every problem found.
pub fn load(path: &Path) -> Result<Document, InputError> {
    let text = read_text(path, path, "")?;
    parse(path, &text)
}

/// Validate a document given as JSON text; `path` names it in errors and anchors
/// `body_file`.
///
/// # Errors
/// As [`load`].
pub fn parse(path: &Path, json: &str) -> Result<Document, InputError> {
    let Checked { value: raw, mut problems } = check_text::<RawDocument>(path, json)?;
    let Some(raw) = raw else {
        return Err(InputError { file: path.to_path_buf(), problems });
    };
    if raw.body.as_ref().is_some_and(|b| b.len() as u64 > MAX_INPUT_BYTES) {
        problems.push(Problem { pointer: "/body".into(), message: "nội dung quá dài".into() });
    }
    let shape = problems.clone();
    let result = Validator { file: path, problems }.document(raw);
    let mut e = match result {
        Ok(doc) if shape.is_empty() => return Ok(doc),
        Ok(_) => InputError { file: path.to_path_buf(), problems: shape },
        Err(mut e) => {
            let later = e.problems.split_off(shape.len());
            e.problems.extend(later.into_iter().filter(|p| !covered(&shape, &p.pointer)));
            e
        }
    };
    if let Ok(value) = serde_json::from_str(json) {
        in_document_order(&value, &mut e.problems);
    }
    Err(e)
}

/// Sort problems in the order their places appear in the file (a missing field at the end
/// of its object); problems at the same place keep their order.
fn in_document_order(value: &serde_json::Value, problems: &mut [Problem]) {
    fn walk(v: &serde_json::Value, at: String, ranks: &mut HashMap<String, usize>) {
        ranks.insert(at.clone(), ranks.len());
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    walk(x, format!("{at}/{}", escape_key(k)), ranks);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, format!("{at}/{i}"), ranks);
                }
            }
            _ => {}
        }
        // After every descendant: where a missing field of this object is reported.
        ranks.insert(format!("{at}/\u{0}end"), ranks.len());
    }
    let mut ranks = HashMap::new();
    walk(value, String::new(), &mut ranks);
    let rank = |pointer: &str| {
        let mut p = pointer;
        loop {
            if let Some(r) = ranks.get(p) {
                return *r;
            }
            match p.rsplit_once('/') {
                Some((parent, _)) => {
                    if let Some(r) = ranks.get(&format!("{parent}/\u{0}end")) {
                        return *r;
                    }
                    p = parent;
                }
                None => return usize::MAX,
            }
        }
    };
    problems.sort_by_cached_key(|p| rank(&p.pointer));
}

/// Read and deserialize a JSON file, with located, Vietnamese errors: every problem of
/// shape at once, duplicate keys refused.
///
/// # Errors
/// [`InputError`] for unreadable files, bad JSON or a wrong shape.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, InputError> {
    let checked = read_checked(path)?;
    match checked.value {
        Some(v) if checked.problems.is_empty() => Ok(v),
        _ => Err(InputError { file: path.to_path_buf(), problems: checked.problems }),
    }
}

/// Read a JSON file and deserialize it as far as possible: the value (with every faulty
/// part replaced by a neutral one) and the problems of shape, so that a loader can add
/// the problems of content and report them all together. `problems` empty = exact.
///
/// # Errors
/// [`InputError`] when the file cannot be read or is not JSON.
pub fn read_checked<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Checked<T>, InputError> {
    let text = read_text(path, path, "")?;
    check_text(path, &text)
}

/// Read a UTF-8 text file of bounded size. `shown` is the name used in messages.
fn read_text(path: &Path, shown: &Path, pointer: &str) -> Result<String, InputError> {
    let fail = |msg: String| InputError::one(shown, pointer, msg);
    match fsio::read_text(path) {
        Ok(Some(text)) => Ok(text),
        Ok(None) => Err(fail("tệp không phải văn bản UTF-8 (Unicode); hãy lưu lại với bảng mã UTF-8".into())),
        Err(fsio::ReadError::Io(e)) => Err(fail(format!("không đọc được tệp ({})", io_reason(&e)))),
        Err(e) => Err(fail(e.to_string())),
    }
}

/// `Lưu: VT` → `VT` (any case, optional space before the colon).
fn strip_luu(s: &str) -> Option<&str> {
    let lower = s.to_lowercase();
    ["lưu:", "lưu :"].iter().find(|p| lower.starts_with(*p)).map(|p| s[p.len()..].trim())
}

// ---------------------------------------------------------------------------------------
// JSON reading shared by every input: documents, configurations, unit reports, frames.
//
// Two passes. The text becomes a `serde_json::Value`, each duplicate key a located problem
// (serde_json keeps the last silently). Then the value is deserialized into the input's
// `Raw…` type; at each failure the problem is recorded and the faulty part replaced by a
// neutral value (unknown key removed, wrong type or missing field filled with an empty
// value of the expected type), and deserialization starts again, so that every problem
// of the file is found in one run. The `Raw…` types stay the one description of each
// format; a field added there is checked the same way with no change here.

/// A value deserialized as far as possible, and the problems met on the way.
#[derive(Debug)]
pub struct Checked<T> {
    /// The value, with faulty parts neutralised; `None` if it could not be built at all.
    pub value: Option<T>,
    /// Problems of syntax and shape, located.
    pub problems: Vec<Problem>,
}

/// Is `pointer` at or under one of the problems' pointers (already explained)?
fn covered(problems: &[Problem], pointer: &str) -> bool {
    problems.iter().any(|p| under(pointer, &p.pointer))
}

fn under(pointer: &str, parent: &str) -> bool {
    pointer == parent || (pointer.starts_with(parent) && pointer[parent.len()..].starts_with('/'))
}

fn escape_key(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Parse JSON text and deserialize it as far as possible (see [`check_value`]); duplicate
/// keys come first among the problems.
///
/// # Errors
/// [`InputError`] when the text is not JSON.
fn check_text<T: serde::de::DeserializeOwned>(file: &Path, text: &str) -> Result<Checked<T>, InputError> {
    let (value, mut problems) = parse_value(file, text)?;
    let checked = check_value::<T>(value);
    problems.extend(checked.problems);
    Ok(Checked { value: checked.value, problems })
}

/// Parse JSON text into a value; a syntax error is the error, duplicate keys are problems.
fn parse_value(file: &Path, text: &str) -> Result<(serde_json::Value, Vec<Problem>), InputError> {
    use serde::de::DeserializeSeed;
    let duplicates = std::cell::RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = ValueSeed { pointer: String::new(), duplicates: &duplicates }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    match parsed {
        Err(e) => Err(InputError::one(file, "", syntax_message(&e))),
        Ok(v) => Ok((v, duplicates.into_inner())),
    }
}

fn syntax_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg);
    let what = match msg {
        m if m.starts_with("EOF while parsing") => "tệp kết thúc giữa chừng (thiếu dấu đóng } ] hoặc \")",
        "trailing comma" => "thừa dấu phẩy trước dấu đóng",
        "key must be a string" => "tên trường phải nằm trong dấu \"",
        m if m.starts_with("expected `,` or `}`") => "thiếu dấu phẩy hoặc dấu }",
        m if m.starts_with("expected `,` or `]`") => "thiếu dấu phẩy hoặc dấu ]",
        m if m.starts_with("expected `:`") => "thiếu dấu : sau tên trường",
        m if m.starts_with("expected value") || m.starts_with("expected ident") => {
            "cần một giá trị JSON (chuỗi trong dấu \", số, true, false, null, [...] hoặc {...})"
        }
        m if m.starts_with("control character") => "có ký tự điều khiển trong chuỗi (xuống dòng phải viết \\n)",
        m if m.starts_with("invalid escape") => "chuỗi có dấu \\ không hợp lệ (viết \\\\ cho một dấu \\)",
        m if m.starts_with("invalid unicode") || m.contains("surrogate") || m.contains("hex escape") => {
            "mã \\u trong chuỗi không hợp lệ"
        }
        m if m.starts_with("invalid number") => "số viết sai",
        m if m.starts_with("number out of range") => "số quá lớn",
        m if m.starts_with("trailing characters") => "còn nội dung sau khi đối tượng JSON đã đóng",
        m if m.starts_with("recursion limit") => "lồng nhau quá sâu",
        _ => "cú pháp JSON không hợp lệ",
    };
    if e.classify() == serde_json::error::Category::Io {
        return format!("không đọc được ({what})");
    }
    format!("JSON không hợp lệ ở dòng {}, cột {}: {what}", e.line(), e.column())
}

/// Builds a `Value`, recording each key met twice in the same object.
struct ValueSeed<'a> {
    pointer: String,
    duplicates: &'a std::cell::RefCell<Vec<Problem>>,
}

impl<'de> serde::de::DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = serde_json::Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ValueSeed<'_> {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("giá trị JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        serde::de::DeserializeSeed::deserialize(self, d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let seed = ValueSeed { pointer: format!("{}/{}", self.pointer, out.len()), duplicates: self.duplicates };
            match seq.next_element_seed(seed)? {
                Some(v) => out.push(v),
                None => return Ok(serde_json::Value::Array(out)),
            }
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let pointer = format!("{}/{}", self.pointer, escape_key(&key));
            let value = map.next_value_seed(ValueSeed { pointer: pointer.clone(), duplicates: self.duplicates })?;
            if out.contains_key(&key) {
                self.duplicates.borrow_mut().push(Problem {
                    pointer,
                    message: format!("trường \"{key}\" được ghi hai lần trong cùng một đối tượng; chỉ ghi một lần"),
                });
            }
            out.insert(key, value);
        }
        Ok(serde_json::Value::Object(out))
    }
}

/// How to repair the value after a deserialization error, to look for the next one.
enum Repair {
    /// Remove key `1` from the object at `0`.
    Remove(String, String),
    /// Put a value at this pointer (in an object: insert or replace; in an array: replace).
    Set(String, serde_json::Value),
}

/// Deserialize `value` as `T`, collecting every problem of shape (see the section comment).
fn check_value<T: serde::de::DeserializeOwned>(mut value: serde_json::Value) -> Checked<T> {
    let mut problems: Vec<Problem> = Vec::new();
    // Pointers filled in by a repair: errors there or below are consequences, not news.
    let mut repaired: Vec<Problem> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..512 {
        let e = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(v) => return Checked { value: Some(v), problems },
            Err(e) => e,
        };
        let (problem, repair) = shape_problem(&e, &value);
        let silent = covered(&repaired, &problem.pointer) || covered(&problems, &problem.pointer);
        let at = match &repair {
            Repair::Remove(p, k) => format!("{p}/{}", escape_key(k)),
            Repair::Set(p, _) => p.clone(),
        };
        if !seen.insert((at.clone(), problem.message.clone())) || !apply(&mut value, repair) {
            if !silent {
                problems.push(problem);
            }
            return Checked { value: None, problems };
        }
        if silent {
            repaired.push(Problem { pointer: at, message: String::new() });
        } else {
            problems.push(problem);
        }
    }
    Checked { value: None, problems }
}

fn apply(root: &mut serde_json::Value, repair: Repair) -> bool {
    use serde_json::Value;
    match repair {
        Repair::Remove(parent, key) => match root.pointer_mut(&parent) {
            Some(Value::Object(m)) => m.shift_remove(&key).is_some(),
            _ => false,
        },
        Repair::Set(pointer, v) => {
            if pointer.is_empty() {
                *root = v;
                return true;
            }
            let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", &pointer));
            let key = last.replace("~1", "/").replace("~0", "~");
            match root.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.insert(key, v);
                    true
                }
                Some(Value::Array(a)) => match key.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                    Some(slot) => {
                        *slot = v;
                        true
                    }
                    None => false,
                },
                _ => false,
            }
        }
    }
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out.push_str(&format!("/{}", escape_key(key))),
            Segment::Enum { variant } => out.push_str(&format!("/{variant}")),
            Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// The names in serde's `expected one of `a`, `b``, `expected `a` or `b``, `expected `a``.
fn expected_names(expected: &str) -> Vec<String> {
    expected.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// A located Vietnamese problem for a deserialization error, and the repair to go on.
fn shape_problem(e: &serde_path_to_error::Error<serde_json::Error>, value: &serde_json::Value) -> (Problem, Repair) {
    use serde_json::Value;
    let pointer = pointer_of(e.path());
    let msg = e.inner().to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    if let Some(field) = between(&msg, "missing field `", "`") {
        let at = format!("{pointer}/{}", escape_key(field));
        return (
            Problem { pointer: at.clone(), message: "thiếu trường bắt buộc".into() },
            Repair::Set(at, Value::Null),
        );
    }
    if let Some(field) = between(&msg, "unknown field `", "`") {
        let valid = expected_names(msg.split("expected").nth(1).unwrap_or(""));
        let valid = if valid.is_empty() { "không có".to_string() } else { valid.join(", ") };
        // The path may or may not end with the unknown key itself.
        let suffix = format!("/{}", escape_key(field));
        let parent = pointer.strip_suffix(&suffix).filter(|p| value.pointer(p).is_some_and(Value::is_object));
        let parent = parent.map_or(pointer.clone(), str::to_owned);
        return (
            Problem {
                pointer: format!("{parent}{suffix}"),
                message: format!("trường \"{field}\" không có trong định dạng (các trường hợp lệ: {valid})"),
            },
            Repair::Remove(parent, field.to_string()),
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (got, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let names = expected_names(expected);
        let fix = names.first().map_or(Value::Null, |n| Value::String(n.clone()));
        return (
            Problem {
                pointer: pointer.clone(),
                message: format!("giá trị \"{got}\" không hợp lệ (cần một trong: {})", names.join(", ")),
            },
            Repair::Set(pointer, fix),
        );
    }
    let found = value.pointer(&pointer);
    let (got, expected) =
        if let Some(rest) = msg.strip_prefix("invalid type: ").or_else(|| msg.strip_prefix("invalid value: ")) {
            let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
            (describe_got(got, found), expected.to_string())
        } else if let Some(rest) = msg.strip_prefix("invalid length ") {
            let (_, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
            (describe_got("", found), expected.to_string())
        } else {
            (describe_got("", found), String::new())
        };
    let (wanted, fix) = expected_shape(&expected);
    let message = match &wanted {
        Some(w) => format!("sai kiểu dữ liệu: cần {w}, nhận được {got}"),
        None => format!("giá trị không hợp lệ: {got}"),
    };
    (Problem { pointer: pointer.clone(), message }, Repair::Set(pointer, fix))
}

/// What serde expected, in Vietnamese, and a neutral value of that kind.
fn expected_shape(expected: &str) -> (Option<String>, serde_json::Value) {
    use serde_json::{Value, json};
    let e = expected.trim();
    let range = |lo: &str, hi: &str| Some(format!("số nguyên từ {lo} đến {hi}"));
    match e {
        "a string" | "a character" | "a borrowed string" => (Some("chuỗi văn bản (trong dấu \")".into()), json!("")),
        "a boolean" => (Some("true hoặc false".into()), json!(false)),
        "u8" => (range("0", "255"), json!(0)),
        "u16" => (Some("số nguyên dương".into()), json!(0)),
        "u32" => (Some("số nguyên dương".into()), json!(0)),
        "u64" | "usize" => (Some("số nguyên không âm (0, 1, 2 …)".into()), json!(0)),
        "i8" | "i16" | "i32" | "i64" | "isize" => (Some("số nguyên".into()), json!(0)),
        "f32" | "f64" => (Some("số".into()), json!(0.0)),
        "a sequence" => (Some("danh sách (mảng JSON [...])".into()), json!([])),
        "a map" => (Some("đối tượng JSON ({...})".into()), json!({})),
        e if e.starts_with("struct ") => (Some("đối tượng JSON ({...})".into()), json!({})),
        e if e.starts_with("a tuple of size ") || e.starts_with("tuple of ") => {
            let n: usize = e.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(2);
            (Some(format!("danh sách {n} phần tử")), Value::Array(vec![json!(""); n]))
        }
        e if e.contains('`') => {
            let names = expected_names(e);
            (
                Some(format!("một trong: {}", names.join(", "))),
                names.first().map_or(Value::Null, |n| Value::String(n.clone())),
            )
        }
        _ => (None, Value::Null),
    }
}

/// What was found, in Vietnamese: from the value itself when it is known.
fn describe_got(serde_got: &str, found: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    const MAX: usize = 40;
    match found {
        Some(Value::Null) => "null".into(),
        Some(Value::Bool(b)) => format!("giá trị logic {b}"),
        Some(Value::Number(n)) if n.is_f64() => format!("số thực {n}"),
        Some(Value::Number(n)) => format!("số {n}"),
        Some(Value::String(s)) => {
            let short: String = s.chars().take(MAX).collect();
            format!("chuỗi \"{short}{}\"", if s.chars().count() > MAX { "…" } else { "" })
        }
        Some(Value::Array(a)) => format!("danh sách {} phần tử", a.len()),
        Some(Value::Object(_)) => "đối tượng".into(),
        None if serde_got.starts_with("integer ") || serde_got.starts_with("floating point ") => {
            format!("số {}", serde_got.split('`').nth(1).unwrap_or(""))
        }
        None => "giá trị khác".into(),
    }
}

// ---------------------------------------------------------------------------------------

struct Validator<'a> {
    file: &'a Path,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn problem(&mut self, pointer: &str, message: impl Into<String>) {
        self.problems.push(Problem { pointer: pointer.into(), message: message.into() });
    }

    /// NFC-normalise, refuse control characters, trim. `multiline` keeps line breaks.
    fn text(&mut self, pointer: &str, s: &str, multiline: bool) -> String {
        // Most text is already NFC (and plain): check quickly before rebuilding it.
        let s: Cow<'_, str> = if unicode_normalization::is_nfc_quick(s.chars()) == IsNormalized::Yes {
            Cow::Borrowed(s)
        } else {
            Cow::Owned(s.nfc().collect())
        };
        let s: Cow<'_, str> =
            if s.contains(['\r', '\t']) { Cow::Owned(s.replace("\r\n", "\n").replace('\t', " ")) } else { s };
        if let Some(c) = s.chars().find(|c| c.is_control() && !(multiline && *c == '\n')) {
            self.problem(pointer, format!("có ký tự điều khiển không in được (U+{:04X})", c as u32));
        }
        s.trim().to_string()
    }

    fn required(&mut self, pointer: &str, s: &str, multiline: bool) -> String {
        let t = self.text(pointer, s, multiline);
        if t.is_empty() {
            self.problem(pointer, "không được để trống");
        }
        t
    }

    fn lines(&mut self, pointer: &str, s: &str) -> Vec<String> {
        self.required(pointer, s, true).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
    }

    fn document(mut self, raw: RawDocument) -> Result<Document, InputError> {
        let type_key = self.required("/type", &raw.doc_type, false);
        let doc_type = self.doc_type(&type_key);
        let issuer = Issuer {
            parent: match &raw.issuer.parent {
                Some(p) => self.lines("/issuer/parent", p).iter().map(|l| vn::upper(l)).collect(),
                None => Vec::new(),
            },
            name: self.lines("/issuer/name", &raw.issuer.name).iter().map(|l| vn::upper(l)).collect(),
            abbreviation: self.required("/issuer/abbreviation", &raw.issuer.abbreviation, false),
            full_name: raw.issuer.full_name.as_deref().map(|s| self.required("/issuer/full_name", s, false)),
        };
        if issuer.abbreviation.contains(|c: char| c.is_whitespace() || c == '/') {
            self.problem(
                "/issuer/abbreviation",
                format!("chữ viết tắt không được có dấu cách hay dấu /: \"{}\"", issuer.abbreviation),
            );
        }
        let place = self.required("/place", &raw.place, false);
        let date = self.date(&raw.date);
        if raw.so == Some(0) {
            self.problem("/so", "số văn bản bắt đầu từ 1 (bỏ trường \"so\" nếu chưa cấp số)");
        }
        let ky_hieu = match (&raw.ky_hieu, doc_type) {
            (Some(k), t) => {
                let k = self.ky_hieu(k);
                if let Some(abbr) = t.and_then(|t| t.abbreviation)
                    && k.split('-').next() != Some(abbr)
                {
                    self.problem(
                        "/ky_hieu",
                        format!(
                            "ký hiệu \"{k}\" phải bắt đầu bằng \"{abbr}-\", chữ viết tắt của loại văn bản (Phụ lục III)"
                        ),
                    );
                }
                k
            }
            (None, Some(t)) => match t.abbreviation {
                Some(a) => format!("{a}-{}", issuer.abbreviation),
                None => {
                    self.problem("/ky_hieu", format!("loại \"{}\" không có chữ viết tắt: cần ghi rõ ký hiệu", t.name));
                    String::new()
                }
            },
            (None, None) => String::new(),
        };
        let trich_yeu = self.lines("/trich_yeu", &raw.trich_yeu);
        let can_cu = raw
            .can_cu
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let t = self.required(&format!("/can_cu/{i}"), c, false);
                t.trim_end_matches([';', '.', ',']).trim_end().to_string()
            })
            .collect();
        // Decisions cite their bases in italics; plans and the other named documents
        // upright, as body text leading into the issuing sentence. `can_cu_style` overrides.
        let can_cu_italic = match raw.can_cu_style.as_deref().map(str::trim) {
            None => doc_type.is_some_and(|t| t.family == FamilyKind::Decision),
            Some("italic") => true,
            Some("upright") => false,
            Some(other) => {
                self.problem(
                    "/can_cu_style",
                    format!(
                        "kiểu chữ căn cứ \"{other}\" không hợp lệ (cần: upright - chữ đứng, hoặc italic - chữ nghiêng)"
                    ),
                );
                false
            }
        };
        let written_last = raw.can_cu.last().and_then(|c| c.trim_end().chars().last());
        let can_cu_last = match written_last {
            Some(c @ (';' | ',')) if !can_cu_italic => c,
            _ => '.',
        };
        let annexes = self.annexes(&raw.annexes);
        if !annexes.is_empty() && issuer.full_name.is_none() {
            self.problem(
                "/issuer/full_name",
                "cần tên đầy đủ của cơ quan (ví dụ \"Ủy ban nhân dân huyện Ninh Giang\") để ghi dòng \"Kèm theo\" của phụ lục",
            );
        }
        let body = self.body(&raw, &annexes);
        let mut kinh_gui = Vec::new();
        for (i, r) in raw.kinh_gui.iter().enumerate() {
            let t = self.required(&format!("/kinh_gui/{i}"), r, false);
            kinh_gui.push(t.trim_start_matches(['-', '–', ' ']).trim_end_matches([';', '.', ',', ' ']).to_string());
        }
        let mut noi_nhan = self.noi_nhan(&raw.noi_nhan);
        let mut luu = match &raw.luu {
            Some(l) => {
                let l = self.required("/luu", l, false);
                strip_luu(&l).unwrap_or(&l).trim_end_matches(['.', ';']).trim().to_string()
            }
            None => String::new(),
        };
        // "Lưu: VT" written as the last nơi nhận item is taken as the lưu line.
        let last_luu =
            noi_nhan.last().filter(|r| r.items.is_empty()).and_then(|r| strip_luu(&r.name)).map(str::to_owned);
        if let Some(rest) = last_luu.map(|r| r.trim().to_string()) {
            if luu.is_empty() {
                luu = rest;
                noi_nhan.pop();
            } else {
                self.problem(
                    &format!("/noi_nhan/{}", raw.noi_nhan.len() - 1),
                    "đã có trường \"luu\": bỏ dòng \"Lưu:\" khỏi nơi nhận",
                );
            }
        }
        if luu.is_empty() {
            luu = "VT".into();
        }
        // (An empty list after a refused item is a consequence, not another problem.)
        if noi_nhan.is_empty() && raw.noi_nhan.is_empty() {
            self.problem("/noi_nhan", "cần ít nhất một nơi nhận (dòng \"Lưu: VT\" do công cụ tự thêm)");
        }
        let signer = self.signer(&raw.signer);

        if !self.problems.is_empty() {
            return Err(InputError { file: self.file.to_path_buf(), problems: self.problems });
        }
        // A missing type or date always recorded a problem above; never panic on input.
        let (Some(doc_type), Some(date)) = (doc_type, date) else {
            return Err(InputError::one(self.file, "", "dữ liệu không hợp lệ"));
        };
        let header = Header { doc_type, issuer, so: raw.so, ky_hieu, place, date, trich_yeu, noi_nhan, luu, signer };
        let can_cu = CanCu { items: can_cu, italic: can_cu_italic, last: can_cu_last };
        // Only types of a laid-out family get here (`doc_type` refuses the others).
        let family = match doc_type.family {
            FamilyKind::Named => Family::Named(Named { can_cu, kinh_gui, body }),
            _ => {
                return Err(InputError::one(
                    self.file,
                    "/type",
                    format!("loại \"{}\" chưa được hỗ trợ", doc_type.name),
                ));
            }
        };
        Ok(Document { header, family, annexes })
    }

    fn doc_type(&mut self, key: &str) -> Option<&'static DocType> {
        match doctype::lookup(key) {
            Some(t) if t.is_supported() => Some(t),
            Some(t) => {
                let supported: Vec<_> = doctype::ALL.iter().filter(|t| t.is_supported()).map(|t| t.slug).collect();
                self.problem(
                    "/type",
                    format!("loại \"{}\" chưa được hỗ trợ (hiện có: {})", t.name, supported.join(", ")),
                );
                None
            }
            None => {
                self.problem(
                    "/type",
                    format!("loại văn bản \"{key}\" không có trong Nghị định 30 (ví dụ hợp lệ: \"ke_hoach\", \"Kế hoạch\" hoặc \"KH\"; xem `vanban types`)"),
                );
                None
            }
        }
    }

    fn date(&mut self, s: &str) -> Option<IssueDate> {
        let parsed = parse_date(s);
        if parsed.is_none() {
            self.date_problem(s);
        }
        parsed
    }

    fn date_problem(&mut self, s: &str) {
        const EXPECTED: &str = "cần ngày dạng YYYY-MM-DD, ví dụ \"2022-01-28\", hoặc YYYY-MM khi chưa có ngày ký";
        if date_shape(s).is_none() {
            self.problem("/date", format!("\"{s}\" không phải là ngày ({EXPECTED})"));
        } else {
            self.problem("/date", format!("ngày không có thật: \"{s}\" ({EXPECTED})"));
        }
    }

    fn ky_hieu(&mut self, k: &str) -> String {
        let k = self.required("/ky_hieu", k, false);
        let ok = k.split('-').count() >= 2
            && k.split('-').all(|g| !g.is_empty() && g.chars().all(|c| c.is_alphanumeric() || c == '&'));
        if !ok {
            self.problem(
                "/ky_hieu",
                format!(
                    "ký hiệu \"{k}\" sai dạng: cần các nhóm chữ nối bằng dấu -, không có dấu cách, ví dụ \"KH-UBND\""
                ),
            );
        }
        k
    }

    fn body(&mut self, raw: &RawDocument, annexes: &[Annex]) -> Vec<body::Block> {
        let text = match (&raw.body, &raw.body_file) {
            (Some(_), Some(_)) => {
                self.problem(
                    "/body_file",
                    "chỉ dùng một trong hai: \"body\" (nội dung viết trực tiếp) hoặc \"body_file\" (tệp .txt)",
                );
                return Vec::new();
            }
            (Some(b), None) => b.clone(),
            (None, Some(f)) => match self.body_file(f) {
                Some(t) => t,
                None => return Vec::new(),
            },
            (None, None) => {
                self.problem("/body", "thiếu nội dung: cần \"body\" hoặc \"body_file\"");
                return Vec::new();
            }
        };
        let pointer = if raw.body.is_some() { "/body" } else { "/body_file" };
        let text = self.required(pointer, &text, true);
        let text = self.annex_references(pointer, &text, annexes);
        body::parse(&text)
    }

    /// Replace `{{phu_luc.ID}}` by the annex's current heading (`Phụ lục II`), so that a
    /// reference follows the annex when annexes are added or reordered.
    fn annex_references(&mut self, pointer: &str, text: &str, annexes: &[Annex]) -> String {
        const OPEN: &str = "{{phu_luc.";
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(OPEN) {
            out.push_str(&rest[..start]);
            let after = &rest[start + OPEN.len()..];
            let Some(end) = after.find("}}") else {
                out.push_str(&rest[start..]);
                return out;
            };
            let id = after[..end].trim();
            match annexes.iter().position(|a| a.id == id) {
                Some(i) => out.push_str(&annex::label(i, annexes.len())),
                None => {
                    let ids: Vec<_> = annexes.iter().map(|a| a.id.as_str()).collect();
                    self.problem(
                        pointer,
                        format!(
                            "tham chiếu tới phụ lục \"{id}\" không có (các phụ lục: {})",
                            if ids.is_empty() { "chưa có".into() } else { ids.join(", ") }
                        ),
                    );
                    out.push_str(&rest[start..start + OPEN.len() + end + 2]);
                }
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn annexes(&mut self, raws: &[RawAnnex]) -> Vec<Annex> {
        let mut out: Vec<Annex> = Vec::new();
        let count = raws.len();
        for (i, raw) in raws.iter().enumerate() {
            let at = |rest: &str| format!("/annexes/{i}{rest}");
            let id = self.required(&at("/id"), &raw.id, false);
            if out.iter().any(|a| a.id == id) {
                self.problem(&at("/id"), format!("trùng mã phụ lục \"{id}\""));
            }
            // Broken by the clerk with `\n` like the trích yếu; kept as one string.
            let title = self.lines(&at("/title"), &raw.title).join("\n");
            let kind = match raw.kind.as_deref() {
                None => annex::AnnexKind::Tasks,
                Some(k) => annex::AnnexKind::parse(k).unwrap_or_else(|| {
                    self.problem(
                        &at("/kind"),
                        format!("loại phụ lục \"{k}\" không hợp lệ (cần: nhiem_vu - danh sách nhiệm vụ, hoặc bang - bảng khác)"),
                    );
                    annex::AnnexKind::Tasks
                }),
            };
            let numbering = match raw.numbering.as_deref() {
                None => Numbering::Continuous,
                Some(n) => Numbering::parse(n).unwrap_or_else(|| {
                    self.problem(
                        &at("/numbering"),
                        format!("cách đánh số \"{n}\" không hợp lệ (cần: continuous, per_group hoặc nested)"),
                    );
                    Numbering::Continuous
                }),
            };
            let columns = match &raw.columns {
                None => annex::default_columns(),
                Some(cols) => self.columns(&at("/columns"), cols),
            };
            let landscape = match raw.orientation.as_deref() {
                None | Some("auto") => columns.len() >= 6,
                Some("landscape") => true,
                Some("portrait") => false,
                Some(o) => {
                    self.problem(
                        &at("/orientation"),
                        format!("hướng trang \"{o}\" không hợp lệ (cần: auto, portrait hoặc landscape)"),
                    );
                    false
                }
            };
            let sheet_name = match &raw.sheet_name {
                Some(n) => self.text(&at("/sheet_name"), n, false),
                None => annex::label(i, count),
            };
            if let Some(p) = annex::sheet_name_problem(&sheet_name) {
                self.problem(&at("/sheet_name"), p);
            }
            if out.iter().any(|a| a.sheet_name.to_lowercase() == sheet_name.to_lowercase()) {
                self.problem(
                    &at("/sheet_name"),
                    format!("trùng tên trang tính \"{sheet_name}\" (Excel không phân biệt chữ hoa, chữ thường)"),
                );
            }
            let stt_col = columns.iter().position(|c| c.key == annex::STT).unwrap_or(0);
            if raw.sheet.is_some() && raw.rows_from.is_none() {
                self.problem(&at("/sheet"), "\"sheet\" chỉ dùng cùng \"rows_from\" (tên trang tính trong tệp Excel)");
            }
            let (rows, rows_at) = match (&raw.rows, &raw.rows_from) {
                (Some(json_rows), from) => {
                    if from.is_some() {
                        self.problem(
                            &at("/rows_from"),
                            "chỉ dùng một trong hai: \"rows\" (các dòng viết trong JSON) hoặc \"rows_from\" (tệp Excel)",
                        );
                    }
                    let mut rows = Vec::with_capacity(json_rows.len());
                    for (j, row) in json_rows.iter().enumerate() {
                        if let Some(r) = self.annex_row(&at(&format!("/rows/{j}")), row, &columns, true) {
                            rows.push(r);
                        }
                    }
                    (Some(rows), at("/rows"))
                }
                (None, Some(f)) => {
                    let request = crate::input::annex_xlsx::RowsRequest {
                        columns: &columns,
                        numbering,
                        sheet: raw.sheet.as_deref(),
                        default_sheet: &sheet_name,
                    };
                    (self.rows_from(&at("/rows_from"), f, &request), at("/rows_from"))
                }
                (None, None) => {
                    self.problem(
                        &at("/rows"),
                        "thiếu trường bắt buộc: cần \"rows\" (các dòng) hoặc \"rows_from\" (tệp Excel chứa các dòng)",
                    );
                    (None, at("/rows"))
                }
            };
            let rows = rows.unwrap_or_default();
            // (A rows file that could not be read has its own problems.)
            if (raw.rows.is_some() || !rows.is_empty()) && rows.iter().all(|r| matches!(r, RawRow::Group(..))) {
                self.problem(&rows_at, "phụ lục cần ít nhất một dòng nhiệm vụ");
            }
            out.push(Annex {
                id,
                title,
                columns,
                landscape,
                sheet_name,
                rows: annex::number(rows, numbering, stt_col),
                kind,
            });
        }
        out
    }

    fn columns(&mut self, pointer: &str, cols: &[RawColumn]) -> Vec<Column> {
        let mut out: Vec<Column> = Vec::new();
        for (i, c) in cols.iter().enumerate() {
            let at = format!("{pointer}/{i}");
            let key = self.required(&format!("{at}/key"), &c.key, false);
            if out.iter().any(|o| o.key == key) || key == "group" || key == "items" {
                self.problem(
                    &format!("{at}/key"),
                    format!("mã cột \"{key}\" bị trùng hoặc là từ dành riêng (group, items)"),
                );
            }
            let label = self.required(&format!("{at}/label"), &c.label, false);
            let width = c.width.unwrap_or(1.0);
            if !(width.is_finite() && width > 0.0 && width <= 100.0) {
                self.problem(&format!("{at}/width"), format!("độ rộng tương đối phải là số dương (nhận được {width})"));
            }
            let align = match c.align.as_deref() {
                None => {
                    if key == annex::STT {
                        annex::Align::Center
                    } else {
                        annex::Align::Left
                    }
                }
                Some(a) => annex::Align::parse(a).unwrap_or_else(|| {
                    self.problem(
                        &format!("{at}/align"),
                        format!("căn lề \"{a}\" không hợp lệ (cần: left, center hoặc right)"),
                    );
                    annex::Align::Left
                }),
            };
            out.push(Column { key, label, width, align });
        }
        if out.first().map(|c| c.key.as_str()) != Some(annex::STT) {
            self.problem(pointer, "cột đầu tiên phải là cột số thứ tự, mã \"stt\" (công cụ tự đánh số)");
        }
        if out.len() < 2 {
            self.problem(pointer, "cần ít nhất hai cột");
        }
        out
    }

    /// One row object: `{"group": "…"}` or cells by column key (+ `items` at top level).
    fn annex_row(
        &mut self,
        pointer: &str,
        row: &serde_json::Map<String, serde_json::Value>,
        columns: &[Column],
        top: bool,
    ) -> Option<RawRow> {
        use serde_json::Value;
        if let Some(group) = row.get("group") {
            if !top {
                self.problem(pointer, "dòng con (items) không được là dòng nhóm");
                return None;
            }
            let Value::String(g) = group else {
                self.problem(&format!("{pointer}/group"), "sai kiểu dữ liệu: cần chuỗi văn bản");
                return None;
            };
            let text = self.required(&format!("{pointer}/group"), g, false);
            // A group row may carry values in the columns after its heading (a scoring
            // table's `I | NHÓM XÃ, PHƯỜNG | 115`); the heading takes the first text column.
            let text_col = columns.iter().position(|c| c.key != annex::STT).unwrap_or(1);
            let mut values = vec![String::new(); columns.len()];
            for (key, value) in row.iter().filter(|(k, _)| k.as_str() != "group") {
                let at = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                let col = columns.iter().position(|c| c.key == *key);
                match col {
                    Some(c) if c > text_col => {
                        values[c] = match value {
                            Value::String(s) => self.text(&at, s, false),
                            Value::Number(n) => n.to_string(),
                            Value::Null => String::new(),
                            _ => {
                                self.problem(&at, "sai kiểu dữ liệu: cần chuỗi văn bản hoặc số");
                                String::new()
                            }
                        }
                    }
                    _ => {
                        let later: Vec<&str> = columns.iter().skip(text_col + 1).map(|c| c.key.as_str()).collect();
                        self.problem(
                            &at,
                            format!(
                                "dòng nhóm chỉ có \"group\" (tiêu đề nhóm, in ở cột \"{}\") và giá trị ở các cột sau đó ({})",
                                columns.get(text_col).map_or("", |c| c.key.as_str()),
                                if later.is_empty() { "không có".to_string() } else { later.join(", ") }
                            ),
                        );
                    }
                }
            }
            if values.iter().all(String::is_empty) {
                values.clear();
            }
            return Some(RawRow::Group(text, values));
        }
        let mut cells = vec![String::new(); columns.len()];
        let mut items = Vec::new();
        let mut stt = None;
        let mut bold = false;
        for (key, value) in row {
            let at = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
            if key == annex::STT {
                match value {
                    Value::String(s) => stt = Some(self.text(&at, s, false)),
                    Value::Number(n) => stt = Some(n.to_string()),
                    _ => self.problem(&at, "sai kiểu dữ liệu: cần chuỗi văn bản hoặc số"),
                }
                continue;
            }
            if key == "bold" {
                match value {
                    Value::Bool(b) => bold = *b,
                    _ => self.problem(&at, "sai kiểu dữ liệu: cần true hoặc false"),
                }
                continue;
            }
            if key == "items" && top {
                match value {
                    Value::Array(subs) => {
                        for (k, sub) in subs.iter().enumerate() {
                            let sub_at = format!("{at}/{k}");
                            match sub {
                                Value::Object(m) => {
                                    if let Some(RawRow::Item { cells, .. }) = self.annex_row(&sub_at, m, columns, false)
                                    {
                                        items.push(cells);
                                    }
                                }
                                _ => self.problem(&sub_at, "sai kiểu dữ liệu: cần đối tượng JSON ({...})"),
                            }
                        }
                    }
                    _ => self.problem(&at, "sai kiểu dữ liệu: cần danh sách (mảng JSON [...])"),
                }
                continue;
            }
            let Some(col) = columns.iter().position(|c| c.key == *key && c.key != annex::STT) else {
                let valid: Vec<_> = columns.iter().filter(|c| c.key != annex::STT).map(|c| c.key.as_str()).collect();
                self.problem(
                    &at,
                    format!(
                        "cột \"{key}\" không có trong bảng (các cột: {}{})",
                        if valid.is_empty() { "chưa có cột hợp lệ".to_string() } else { valid.join(", ") },
                        if top { ", items; hoặc group" } else { "" }
                    ),
                );
                continue;
            };
            cells[col] = match value {
                // Line breaks and `*nghiêng*` / `**đậm**` are kept, as in the body.
                Value::String(s) => self.text(&at, s, true),
                Value::Number(n) => n.to_string(),
                Value::Null => String::new(),
                _ => {
                    self.problem(&at, "sai kiểu dữ liệu: cần chuỗi văn bản hoặc số");
                    String::new()
                }
            };
            if cells[col].chars().count() > 32_767 {
                self.problem(&at, "ô quá dài (Excel cho phép tối đa 32.767 ký tự)");
            }
        }
        Some(RawRow::Item { cells, items, stt, bold })
    }

    /// A file named by the data (`body_file`, `rows_from`), which must lie inside the
    /// directory of the JSON file; `no_links` also refuses a symbolic link.
    fn file_inside(&mut self, pointer: &str, f: &str, no_links: bool) -> Option<PathBuf> {
        let dir = self.file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let candidate = dir.join(f);
        let inside = match (dir.canonicalize(), candidate.canonicalize()) {
            (Ok(d), Ok(c)) => c.starts_with(&d),
            (_, Err(e)) => {
                self.problem(pointer, format!("không đọc được tệp \"{f}\" ({})", io_reason(&e)));
                return None;
            }
            (Err(e), _) => {
                self.problem(pointer, format!("không đọc được thư mục của tệp dữ liệu ({})", io_reason(&e)));
                return None;
            }
        };
        if !inside || Path::new(f).is_absolute() {
            self.problem(
                pointer,
                format!("tệp \"{f}\" nằm ngoài thư mục của tệp dữ liệu; chỉ được dùng tệp trong cùng thư mục"),
            );
            return None;
        }
        if no_links && std::fs::symlink_metadata(&candidate).is_ok_and(|m| m.file_type().is_symlink()) {
            self.problem(pointer, format!("tệp \"{f}\" là liên kết (symlink); cần chính tệp, trong cùng thư mục"));
            return None;
        }
        Some(candidate)
    }

    /// An annex's rows from a workbook (`rows_from`); `None` when it cannot be used (the
    /// problems are recorded, named by file, sheet and cell).
    fn rows_from(
        &mut self,
        pointer: &str,
        f: &str,
        request: &crate::input::annex_xlsx::RowsRequest<'_>,
    ) -> Option<Vec<RawRow>> {
        let f = self.required(pointer, f, false);
        if f.is_empty() {
            return None;
        }
        let path = self.file_inside(pointer, &f, true)?;
        match crate::input::annex_xlsx::read_rows(&path, request) {
            Ok(rows) => Some(rows),
            Err(problems) => {
                for p in problems {
                    match p.at {
                        Some(at) => self.problem(pointer, format!("\"{f}\", {at}: {}", p.message)),
                        None => self.problem(pointer, format!("\"{f}\": {}", p.message)),
                    }
                }
                None
            }
        }
    }

    /// Read `body_file`, which must lie inside the directory of the JSON file.
    fn body_file(&mut self, f: &str) -> Option<String> {
        let candidate = self.file_inside("/body_file", f, false)?;
        match read_text(&candidate, self.file, "/body_file") {
            Ok(t) => Some(t),
            Err(e) => {
                for p in e.problems {
                    self.problem(&p.pointer, format!("\"{f}\": {}", p.message));
                }
                None
            }
        }
    }

    /// Nơi nhận items: a string (`"Sở Nội vụ"`, `"- Bộ Nội vụ (để b/c);"`), or an item with
    /// sub-items (`{"name": "UBND các xã, phường", "items": ["xã A", "xã B"]}`); a string
    /// written `+ xã A;` is a sub-item of the item before it.
    fn noi_nhan(&mut self, raw: &[serde_json::Value]) -> Vec<Recipient> {
        let clean =
            |t: &str, lead: &[char]| t.trim_start_matches(lead).trim_end_matches([';', '.', ',', ':', ' ']).to_string();
        let mut out: Vec<Recipient> = Vec::new();
        for (i, item) in raw.iter().enumerate() {
            let pointer = format!("/noi_nhan/{i}");
            match item {
                serde_json::Value::String(s) => {
                    let t = self.required(&pointer, s, false);
                    if t.starts_with('+') {
                        match out.last_mut() {
                            Some(parent) => parent.items.push(clean(&t, &['+', ' '])),
                            None => self.problem(
                                &pointer,
                                "dòng \"+ …\" là mục con: cần một nơi nhận đứng trước (ví dụ \"UBND các xã, phường:\")",
                            ),
                        }
                    } else {
                        out.push(Recipient::new(clean(&t, &['-', '–', ' '])));
                    }
                }
                serde_json::Value::Object(map) => {
                    for key in map.keys().filter(|k| !matches!(k.as_str(), "name" | "items")) {
                        self.problem(
                            &format!("{pointer}/{key}"),
                            format!("trường không hợp lệ \"{key}\" (các trường hợp lệ: \"name\", \"items\")"),
                        );
                    }
                    let name = match map.get("name") {
                        Some(serde_json::Value::String(s)) => clean(&self.required(&format!("{pointer}/name"), s, false), &['-', '–', ' ']),
                        Some(_) => {
                            self.problem(&format!("{pointer}/name"), "sai kiểu dữ liệu: cần chuỗi (tên nơi nhận)");
                            String::new()
                        }
                        None => {
                            self.problem(&format!("{pointer}/name"), "thiếu trường bắt buộc");
                            String::new()
                        }
                    };
                    let mut items = Vec::new();
                    match map.get("items") {
                        Some(serde_json::Value::Array(subs)) if !subs.is_empty() => {
                            for (k, sub) in subs.iter().enumerate() {
                                let sp = format!("{pointer}/items/{k}");
                                match sub {
                                    serde_json::Value::String(s) => {
                                        items.push(clean(&self.required(&sp, s, false), &['+', '-', '–', ' ']));
                                    }
                                    _ => self.problem(&sp, "sai kiểu dữ liệu: cần chuỗi (một nơi nhận con)"),
                                }
                            }
                        }
                        Some(serde_json::Value::Array(_)) => {
                            self.problem(&format!("{pointer}/items"), "cần ít nhất một nơi nhận con (hoặc ghi nơi nhận là một chuỗi)")
                        }
                        Some(_) => self.problem(
                            &format!("{pointer}/items"),
                            "sai kiểu dữ liệu: cần danh sách (mảng JSON [...]) các nơi nhận con",
                        ),
                        None => self.problem(&format!("{pointer}/items"), "thiếu trường bắt buộc"),
                    }
                    out.push(Recipient { name, items });
                }
                _ => self.problem(
                    &pointer,
                    "sai kiểu dữ liệu: cần chuỗi (một nơi nhận) hoặc đối tượng {\"name\": …, \"items\": [...]} (nơi nhận có mục con)",
                ),
            }
        }
        out
    }

    fn signer(&mut self, raw: &RawSigner) -> Signer {
        let authority = raw.authority.as_deref().filter(|a| !a.trim().is_empty()).and_then(|a| {
            let parsed = Authority::parse(a);
            if parsed.is_none() {
                self.problem(
                    "/signer/authority",
                    format!("thẩm quyền ký \"{a}\" không hợp lệ (cần một trong: TM, KT, TL, TUQ, Q)"),
                );
            }
            parsed
        });
        let on_behalf_of =
            raw.on_behalf_of.as_deref().map(|s| vn::upper(&self.required("/signer/on_behalf_of", s, false)));
        if let Some(a) = authority
            && a.needs_on_behalf_of()
            && on_behalf_of.is_none()
        {
            {
                self.problem(
                    "/signer/on_behalf_of",
                    format!("thẩm quyền {} cần ghi rõ thay mặt/ký thay cho ai (ví dụ \"ỦY BAN NHÂN DÂN\" hoặc \"CHỦ TỊCH\")", a.prefix()),
                );
            }
        }
        let no_authority = raw.authority.as_deref().is_none_or(|a| a.trim().is_empty());
        if on_behalf_of.is_some() && (no_authority || authority == Some(Authority::Q)) {
            self.problem("/signer/on_behalf_of", "chỉ dùng cùng thẩm quyền TM, KT, TL hoặc TUQ (trường \"authority\")");
        }
        let title = vn::upper(&self.required("/signer/title", &raw.title, false));
        let name = self.required("/signer/name", &raw.name, false);
        let for_head = self.for_head(raw, authority, &title);
        // A deputy never signs "TM." directly: the head's title comes between (ND30 Điều 13).
        if authority == Some(Authority::Tm)
            && for_head.is_none()
            && let Some(head) = title.strip_prefix("PHÓ ")
        {
            self.problem(
                "/signer/ky_thay",
                format!(
                    "cấp phó ký thay mặt tập thể phải ký thay người đứng đầu: thêm \"ky_thay\": \"{}\" để in dòng \"KT. {}\" giữa \"TM. …\" và \"{title}\"",
                    head.trim(),
                    head.trim()
                ),
            );
        }
        Signer { authority, on_behalf_of, for_head, title, name }
    }

    /// The `KT.`/`TL.`/`TUQ.` line under `TM.` (`ky_thay`, `thua_lenh`, `thua_uy_quyen`).
    fn for_head(&mut self, raw: &RawSigner, authority: Option<Authority>, title: &str) -> Option<(Authority, String)> {
        let given: Vec<(&str, Authority, &str)> = [
            ("ky_thay", Authority::Kt, &raw.ky_thay),
            ("thua_lenh", Authority::Tl, &raw.thua_lenh),
            ("thua_uy_quyen", Authority::Tuq, &raw.thua_uy_quyen),
        ]
        .into_iter()
        .filter_map(|(key, a, v)| v.as_deref().map(|v| (key, a, v)))
        .collect();
        let is_tm = authority == Some(Authority::Tm);
        if given.len() > 1 {
            let keys: Vec<String> = given.iter().map(|(k, ..)| format!("\"{k}\"")).collect();
            self.problem(
                &format!("/signer/{}", given[1].0),
                format!("chỉ ghi một trong {}: dưới TM. chỉ có một dòng KT., TL. hoặc TUQ.", keys.join(", ")),
            );
        }
        let (key, a, value) = given.first().copied()?;
        let pointer = format!("/signer/{key}");
        let head = vn::upper(&self.required(&pointer, value, false));
        if !is_tm {
            let hint = match authority {
                None => format!(
                    "thêm \"authority\": \"TM\" và \"on_behalf_of\" (tập thể, ví dụ \"ỦY BAN NHÂN DÂN\"); nếu không ký thay mặt tập thể thì dùng \"authority\": \"{}\" với \"on_behalf_of\": \"{head}\"",
                    a.prefix().trim_end_matches('.')
                ),
                Some(other) => format!(
                    "không dùng được cùng thẩm quyền {}: chỉ người ký thay mặt tập thể (\"authority\": \"TM\") mới có thêm dòng {} dưới dòng TM.",
                    other.prefix(),
                    a.prefix()
                ),
            };
            self.problem(&pointer, hint);
            return None;
        }
        if vn::upper(title) == head {
            self.problem(
                &pointer,
                format!("chức vụ người ký \"{title}\" trùng với chức vụ sau {} (\"{head}\"): người đứng đầu ký thì bỏ trường \"{key}\"", a.prefix()),
            );
        }
        Some((a, head))
    }
}
