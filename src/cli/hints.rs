//! The CLI's way of saying a [`Hint`]: the command to type next. The TUI says the
//! same hints as keys and screens (`tui::hints`).

use pingshen::report::ReportError;
use pingshen::store::{Hint, StoreError};

/// The hint of the first store error in `err`'s chain, as a sentence with a command.
pub fn for_error(err: &anyhow::Error) -> Option<String> {
    let store = err.chain().find_map(|e| {
        e.downcast_ref::<StoreError>()
            .or_else(|| match e.downcast_ref::<ReportError>() {
                Some(ReportError::Store(s)) => Some(s),
                _ => None,
            })
    })?;
    Some(command(&store.hint()?))
}

/// What to type for `hint`.
pub fn command(hint: &Hint) -> String {
    match hint {
        Hint::Recover => "运行 `pingshen recover` 从日志和备份重建数据库。".into(),
        Hint::ListInspections => "运行 `pingshen list` 查看全部检查及其编号。".into(),
        Hint::ShowItems { inspection } => {
            format!("运行 `pingshen show {inspection}` 查看全部条款。")
        }
        Hint::ExportFirst { inspection } => {
            format!("运行 `pingshen export {inspection} -o 备份.pingshen` 导出数据。")
        }
        Hint::ListConflicts { inspection } => {
            format!("运行 `pingshen conflicts {inspection}` 查看待裁定的冲突。")
        }
        Hint::Assign {
            inspection,
            inspector,
        } => format!(
            "先运行 `pingshen assign {inspection} --inspector {inspector} --chapter 章号`。"
        ),
        Hint::Reopen { inspection } => {
            format!("运行 `pingshen reopen {inspection} --as 姓名 --reason 原因` 重新打开。")
        }
        Hint::TrustKeys { fingerprints } => format!(
            "核对无误后运行 {}，或在导入、合并时加 --trust。",
            fingerprints
                .iter()
                .map(|f| format!("`pingshen keys trust \"{f}\"`"))
                .collect::<Vec<_>>()
                .join("、")
        ),
        Hint::NameActor => {
            "加 --as 姓名（或设置环境变量 PINGSHEN_INSPECTOR），或用 `pingshen whoami --set 姓名` 设置本机身份。".into()
        }
    }
}
