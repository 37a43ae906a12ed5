//! Phụ lục: tables attached to a document (ND30 Phụ lục I, III.1; spec §4).
//!
//! Columns are data (label, relative width, alignment), rows are tasks or group rows, and
//! the STT column is generated here, once, so that the PDF and the workbook number every
//! row the same way.

use serde::Serialize;

use crate::body::Run;
use crate::vn;

/// Horizontal alignment of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    /// Flush left (text columns).
    Left,
    /// Centred (STT, dates).
    Center,
    /// Flush right (figures).
    Right,
}

impl Align {
    /// Parse `left`, `center`/`centre`, `right`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "left" => Some(Self::Left),
            "center" | "centre" => Some(Self::Center),
            "right" => Some(Self::Right),
            _ => None,
        }
    }
}

/// One column of an annex table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Key used by the rows (`nhiem_vu`); `stt` is the generated number column.
    pub key: String,
    /// Header label (`Nhiệm vụ`).
    pub label: String,
    /// Relative width (the table always spans the text width).
    pub width: f64,
    /// Alignment of the cells.
    pub align: Align,
}

/// The columns the tracking workbook adds after a task annex's own (and that a sheet of
/// rows may carry: they are not the annex's).
pub const TRACKING_COLUMNS: [&str; 3] = ["Tình trạng", "Kết quả / sản phẩm đã có", "Ghi chú"];

/// Key of the generated number column.
pub const STT: &str = "stt";

/// The default columns of a task annex: `STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp
/// | Thời gian thực hiện | Sản phẩm`.
pub fn default_columns() -> Vec<Column> {
    let col = |key: &str, label: &str, width: f64, align: Align| Column {
        key: key.into(),
        label: label.into(),
        width,
        align,
    };
    vec![
        col(STT, "STT", 0.55, Align::Center),
        col("nhiem_vu", "Nhiệm vụ", 3.2, Align::Left),
        col("chu_tri", "Cơ quan chủ trì", 1.6, Align::Left),
        col("phoi_hop", "Cơ quan phối hợp", 1.9, Align::Left),
        col("thoi_gian", "Thời gian thực hiện", 1.2, Align::Center),
        col("san_pham", "Sản phẩm", 2.0, Align::Left),
    ]
}

/// How the STT column counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// Groups I, II …; tasks 1, 2 … across groups; sub-items 5.1, 5.2.
    Continuous,
    /// Groups I, II …; tasks restart at 1 in each group; sub-items 2.1.
    PerGroup,
    /// Groups 1, 2 …; tasks 1.1, 1.2 …; sub-items 1.2.1.
    Nested,
}

impl Numbering {
    /// Parse `continuous`, `per_group`, `nested`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "continuous" => Some(Self::Continuous),
            "per_group" => Some(Self::PerGroup),
            "nested" => Some(Self::Nested),
            _ => None,
        }
    }
}

/// A row of an annex, numbered.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Row {
    /// A group heading spanning the table, bold: `I` | `TUYÊN TRUYỀN …`.
    Group {
        /// Its number (`I`, or `1` when nested).
        stt: String,
        /// The heading, in capitals.
        text: String,
        /// Values the group row carries in later columns (a scoring table's subtotal:
        /// `I | NHÓM XÃ, PHƯỜNG | 115`), one per column; empty when it has none.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        values: Vec<String>,
        /// The heading as the clerk wrote it (for running text: `Tuyên truyền qua Mặt trận`).
        #[serde(skip)]
        written: String,
    },
    /// A task; `cells` has one entry per column, the STT column holding `stt`.
    Item {
        /// Its number (`5`, `5.1`, `1.2`).
        stt: String,
        /// 0 for tasks, 1 for sub-items.
        level: u8,
        /// Bold row (totals).
        bold: bool,
        /// Cell texts, one per column, without the `*`/`**` marks; line breaks kept.
        cells: Vec<String>,
        /// When a cell of the row has line breaks or `*nghiêng*` / `**đậm**` marks: the
        /// styled runs of every cell (a `\n` run breaks the line); empty otherwise.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        styled: Vec<Vec<Run>>,
    },
}

/// Cells as written (marks, line breaks) → plain cells and, when any cell is styled,
/// the runs of every cell.
fn style_cells(cells: Vec<String>) -> (Vec<String>, Vec<Vec<Run>>) {
    if !cells.iter().any(|c| c.contains(['*', '\n'])) {
        return (cells, Vec::new());
    }
    let styled: Vec<Vec<Run>> = cells
        .iter()
        .map(|c| {
            let mut runs = Vec::new();
            for (i, line) in c.split('\n').enumerate() {
                if i > 0 {
                    runs.push(Run {
                        text: "\n".into(),
                        bold: false,
                        italic: false,
                        nobreak: false,
                        footnote: Vec::new(),
                    });
                }
                runs.extend(crate::body::inline(line.trim()));
            }
            runs
        })
        .collect();
    let plain = styled.iter().map(|runs| runs.iter().map(|r| r.text.as_str()).collect()).collect();
    (plain, styled)
}

/// A task as given, before numbering.
#[derive(Debug, Clone, PartialEq)]
pub enum RawRow {
    /// A group heading, and the values it carries in later columns (empty: none).
    Group(String, Vec<String>),
    /// A task: cells by column (STT cell empty), and its sub-items.
    Item {
        /// Cells by column.
        cells: Vec<String>,
        /// Sub-items' cells.
        items: Vec<Vec<String>>,
        /// An STT given by the data (`TỔNG CỘNG` rows, `I` for a subtotal row): printed as
        /// is and not counted.
        stt: Option<String>,
        /// Set the row in bold.
        bold: bool,
    },
}

/// A validated annex.
#[derive(Debug, Clone, PartialEq)]
pub struct Annex {
    /// Identifier used by body references (`{{phu_luc.nhiem-vu}}`).
    pub id: String,
    /// Title (printed in capitals).
    pub title: String,
    /// Columns, STT first.
    pub columns: Vec<Column>,
    /// Landscape pages?
    pub landscape: bool,
    /// Worksheet name in the tracking workbook (Excel rules checked).
    pub sheet_name: String,
    /// Numbered rows.
    pub rows: Vec<Row>,
    /// A task list (tracked in the workbook with Tình trạng columns) or another table.
    pub kind: AnnexKind,
}

/// What an annex is: a list of tasks to track, or any other table (`"kind": "bang"`:
/// a scoring table, a list of members), which the workbook copies without tracking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnexKind {
    /// `nhiem_vu` (default): tasks, tracked.
    Tasks,
    /// `bang`: a table.
    Table,
}

impl AnnexKind {
    /// Parse `nhiem_vu` / `bang`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "nhiem_vu" => Some(Self::Tasks),
            "bang" => Some(Self::Table),
            _ => None,
        }
    }
}

impl Annex {
    /// Number of task rows (sub-items included).
    pub fn task_count(&self) -> usize {
        self.rows.iter().filter(|r| matches!(r, Row::Item { .. })).count()
    }
}

/// Number raw rows: STT values per the annex's numbering. `stt_col` is the index of the
/// STT column in each cell vector (a row without that cell keeps its cells as they are).
pub fn number(rows: Vec<RawRow>, numbering: Numbering, stt_col: usize) -> Vec<Row> {
    let mut out = Vec::with_capacity(rows.len());
    let (mut group, mut task) = (0u32, 0u32);
    for row in rows {
        match row {
            RawRow::Group(text, values) => {
                group += 1;
                if numbering != Numbering::Continuous {
                    task = 0;
                }
                let stt = if numbering == Numbering::Nested { group.to_string() } else { vn::roman(group) };
                out.push(Row::Group { stt, text: vn::upper(&text), values, written: text });
            }
            RawRow::Item { mut cells, items, stt: given, bold } => {
                let stt = match given {
                    Some(s) => s,
                    None => {
                        task += 1;
                        if numbering == Numbering::Nested && group > 0 {
                            format!("{group}.{task}")
                        } else {
                            task.to_string()
                        }
                    }
                };
                if let Some(cell) = cells.get_mut(stt_col) {
                    cell.clone_from(&stt);
                }
                let (cells, styled) = style_cells(cells);
                out.push(Row::Item { stt: stt.clone(), level: 0, bold, cells, styled });
                for (k, mut sub) in items.into_iter().enumerate() {
                    let sub_stt = format!("{stt}.{}", k + 1);
                    if let Some(cell) = sub.get_mut(stt_col) {
                        cell.clone_from(&sub_stt);
                    }
                    let (cells, styled) = style_cells(sub);
                    out.push(Row::Item { stt: sub_stt, level: 1, bold, cells, styled });
                }
            }
        }
    }
    out
}

/// Excel's rules for a worksheet name; `None` if it is valid, else what is wrong.
pub fn sheet_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("tên trang tính không được để trống".into());
    }
    if name.chars().count() > 31 {
        return Some(format!("tên trang tính \"{name}\" dài {} ký tự; Excel cho phép tối đa 31", name.chars().count()));
    }
    if let Some(c) = name.chars().find(|c| "[]:*?/\\".contains(*c)) {
        return Some(format!("tên trang tính \"{name}\" có ký tự \"{c}\" mà Excel không cho phép ([ ] : * ? / \\)"));
    }
    if name.starts_with('\'') || name.ends_with('\'') {
        return Some(format!("tên trang tính \"{name}\" không được bắt đầu hay kết thúc bằng dấu '"));
    }
    if name.eq_ignore_ascii_case("history") {
        return Some("\"History\" là tên Excel dành riêng".into());
    }
    None
}

/// `Phụ lục` for a single annex, `Phụ lục I` … when there are several.
pub fn label(index: usize, count: usize) -> String {
    if count <= 1 { "Phụ lục".to_string() } else { format!("Phụ lục {}", vn::roman(index as u32 + 1)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(n: usize) -> RawRow {
        RawRow::Item { cells: vec![String::new(); 3], items: vec![vec![String::new(); 3]; n], stt: None, bold: false }
    }

    fn stts(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| match r {
                Row::Group { stt, .. } | Row::Item { stt, .. } => stt.clone(),
            })
            .collect()
    }

    #[test]
    fn numbering_modes() {
        let rows = || {
            vec![RawRow::Group("a".into(), vec![]), raw(0), raw(2), RawRow::Group("b".into(), vec![]), raw(0), raw(0)]
        };
        assert_eq!(stts(&number(rows(), Numbering::Continuous, 0)), ["I", "1", "2", "2.1", "2.2", "II", "3", "4"]);
        assert_eq!(stts(&number(rows(), Numbering::PerGroup, 0)), ["I", "1", "2", "2.1", "2.2", "II", "1", "2"]);
        assert_eq!(
            stts(&number(rows(), Numbering::Nested, 0)),
            ["1", "1.1", "1.2", "1.2.1", "1.2.2", "2", "2.1", "2.2"]
        );
        let mut with_total = rows();
        with_total.push(RawRow::Item {
            cells: vec![String::new(); 3],
            items: vec![],
            stt: Some(String::new()),
            bold: true,
        });
        with_total.push(raw(0));
        assert_eq!(stts(&number(with_total, Numbering::Continuous, 0)).last().unwrap(), "5", "given STT not counted");
        let numbered = number(rows(), Numbering::Continuous, 0);
        assert_eq!(numbered[0], Row::Group { stt: "I".into(), text: "A".into(), values: vec![], written: "a".into() });
        assert!(matches!(&numbered[3], Row::Item { cells, level: 1, .. } if cells[0] == "2.1"));
    }

    #[test]
    fn excel_sheet_names() {
        assert_eq!(sheet_name_problem("Phụ lục I"), None);
        assert!(sheet_name_problem(&"x".repeat(32)).unwrap().contains("tối đa 31"));
        assert!(sheet_name_problem("Quý 1/2022").unwrap().contains("\"/\""));
        assert!(sheet_name_problem("'a").is_some());
        assert!(sheet_name_problem("").is_some());
        assert!(sheet_name_problem("history").is_some());
    }
}
