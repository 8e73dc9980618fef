//! The workbook's shape: sheet names, column headers, and how cells are addressed in
//! messages. One place, read by the writer and the reader alike.

/// Sheet of items, one row each.
pub const ITEMS: &str = "条款";
/// Sheet of verdict rules, one row per condition.
pub const RULES: &str = "结论规则";
/// Sheet of the `[checklist]` table, one row per key.
pub const META: &str = "清单信息";
/// Sheet explaining the other three (ignored when reading).
pub const HELP: &str = "填写说明";

/// Columns of 条款, in order.
pub const ITEM_COLUMNS: &[&str] = &[
    "编号",
    "章",
    "节",
    "条款",
    "类别",
    "核心",
    "可不适用",
    "评价方法",
    "C",
    "B",
    "A",
    "指导",
    "常用评语",
    "最高档次",
];

/// Columns of 结论规则, in order.
pub const RULE_COLUMNS: &[&str] = &[
    "结论",
    "说明",
    "条件说明",
    "选择",
    "章",
    "最低档次",
    "最低比例",
];

/// Columns of 清单信息.
pub const META_COLUMNS: &[&str] = &["项目", "内容", "说明"];

/// Rows of 清单信息: (label, TOML key, required, what it is).
pub const META_ROWS: &[(&str, &str, bool, &str)] = &[
    (
        "编号",
        "id",
        true,
        "清单编号，只用小写英文字母、数字和 -，如 community-2022",
    ),
    ("标题", "title", true, "清单标题，印在评审报告上"),
    (
        "机构类型",
        "institution_type",
        true,
        "如 社区卫生服务中心、乡镇卫生院",
    ),
    ("版本", "version", true, "本清单的版本号，每次修改后提高"),
    (
        "来源",
        "source",
        true,
        "文字来源：官方文件名和文号，或“项目自编”",
    ),
    (
        "未达标结论",
        "fallback_verdict",
        false,
        "没有一条结论成立时的结论名称；不填为“未达到基本标准”",
    ),
];

/// What each column of 条款 holds, for the 填写说明 sheet and header comments.
pub const ITEM_HELP: &[&str] = &[
    "条款编号「章.节.条」，如 2.1.3；章、节的编号由它得出",
    "所属章的名称；同一章各行相同（可只在第一行写）",
    "所属节的名称；同一节各行相同（可只在第一行写）",
    "条款名称（简短）",
    "基本标准 或 推荐标准",
    "★ 表示核心条款，空白表示不是",
    "是 表示允许评为「不适用」，空白表示不允许；核心条款不能允许",
    "评价方法，用顿号分隔，如 查阅资料、现场查看",
    "C 档评价要点（必填）；有多个要点时每行一个，写成 C-1 …、C-2 …",
    "B 档评价要点（在 C 档基础上）；多个要点写成 B-1 …、B-2 …，每行一个",
    "A 档评价要点（在 B 档基础上）；多个要点写成 A-1 …、A-2 …，每行一个",
    "给评审专家的提示：调阅哪些资料、抽查多少份",
    "常用评语：现场常见的评审发现，写备注、整改意见时可以直接选用；每行一条，每条不超过 200 字，最多 50 条",
    "只在有意只分到 C（或 B）档时填 C（或 B）：只判达标与否的条款填 C",
];

/// What each column of 结论规则 holds.
pub const RULE_HELP: &[&str] = &[
    "结论名称，如 达到推荐标准；一条结论有几个条件就占几行，后面几行的结论一栏留空",
    "结论的一句话说明（写在结论的第一行）",
    "这一条件的说明文字（可不填，程序自动生成）",
    "全部、核心条款、基本标准、推荐标准，或 章",
    "选择为 章 时填章编号，如 2",
    "A、B 或 C",
    "最低比例，如 80% 或 0.8",
];

/// A cell as messages name it: where (`清单.xlsx 工作表「条款」`, or `条款.csv`),
/// 1-based row, 0-based column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRef {
    pub place: std::rc::Rc<str>,
    pub row: usize,
    pub col: usize,
}

impl std::fmt::Display for CellRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // "清单.xlsx 工作表「条款」第 12 行 F 列", "条款.csv 第 12 行 F 列".
        let gap = if self.place.ends_with('」') { "" } else { " " };
        write!(
            f,
            "{}{gap}第 {} 行 {} 列",
            self.place,
            self.row,
            column_letter(self.col)
        )
    }
}

/// "A", "B", … "Z", "AA", …
pub fn column_letter(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.iter().rev().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_excel_does() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(5), "F");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(ITEM_COLUMNS.len(), ITEM_HELP.len());
        assert_eq!(RULE_COLUMNS.len(), RULE_HELP.len());
    }
}
