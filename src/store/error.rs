//! What can go wrong with the store, each said so the user knows what to do.

use std::path::PathBuf;

/// What the user can do next. Kept apart from the message, so each face says it its
/// own way: the CLI as a command to type, the TUI as a key or a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// Rebuild the database from the journals and their backups.
    Recover,
    /// See every inspection and its id.
    ListInspections,
    /// See every item of an inspection.
    ShowItems { inspection: String },
    /// Export the data before reporting a problem.
    ExportFirst { inspection: String },
    /// See the open conflicts.
    ListConflicts { inspection: String },
    /// Give an inspector chapters first.
    Assign {
        inspection: String,
        inspector: String,
    },
    /// Reopen a completed inspection to change it.
    Reopen { inspection: String },
    /// Trust the keys shown (after checking their fingerprints with their owners).
    TrustKeys { fingerprints: Vec<String> },
    /// Say who is acting.
    NameActor,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "数据目录 {dir} 正被另一个 pingshen 使用{holder}。同一时间只能有一个 pingshen 打开同一个数据目录：请先退出另一个（看看其他终端窗口），再重试。"
    )]
    Locked { dir: PathBuf, holder: String },

    #[error(
        "无法打开数据库 {dir}：{detail}。可以从各检查的日志和备份重建数据库（原数据库会先被移到一旁保留）。"
    )]
    Unopenable { dir: PathBuf, detail: String },

    #[error(
        "无法使用数据目录 {dir}：{io}。请用 --data-dir 或环境变量 PINGSHEN_DATA_DIR 指定一个可写的目录。"
    )]
    DataDir { dir: PathBuf, io: std::io::Error },

    #[error(
        "磁盘已满或超出文件大小限制，数据目录 {dir} 无法写入（{io}）。请腾出磁盘空间后重试；已保存的数据不受影响。"
    )]
    DiskFull { dir: PathBuf, io: std::io::Error },

    #[error(
        "数据库 {dir} 由更新版本的 pingshen 创建（数据格式版本 {found}，本程序只认识到 {known}）。请升级 pingshen 后再打开；本程序不会改动它。"
    )]
    TooNew {
        dir: PathBuf,
        found: u32,
        known: u32,
    },

    #[error(
        "写入失败，未保存：{0}。请检查磁盘是否已满、数据目录是否可写；之前已保存的数据不受影响。"
    )]
    Write(String),

    #[error("读取数据库失败：{0}")]
    Read(String),

    #[error("找不到编号为 `{0}` 的检查。")]
    UnknownInspection(String),

    #[error("编号 `{prefix}` 同时匹配多个检查：{matches}。请多输入几位编号。")]
    AmbiguousInspection { prefix: String, matches: String },

    #[error("清单《{checklist}》里没有条款 `{item}`。条款编号形如 2.1.3。")]
    UnknownItem {
        inspection: String,
        checklist: String,
        item: String,
    },

    #[error("条款 {item} 不能评为「不适用」：清单规定这一条必须评分。请给出 A、B、C 或 不达标。")]
    NotApplicableRefused { item: String },

    #[error(
        "条款 {item} 不能评为 {grade} 档：清单中该条款没有 {grade} 档评价要点，最高只能评 {top} 档。请给出 {top} 档及以下的档次、不达标，或在清单中补上 {grade} 档评价要点。"
    )]
    GradeAboveCriteria {
        item: String,
        grade: &'static str,
        top: &'static str,
    },

    #[error("检查 {0} 固定使用的清单无法读取：{1}。这不应发生；请先导出数据，再报告问题。")]
    PinnedChecklist(String, String),

    #[error(
        "数据未被接受，没有任何改动：{0}。这份数据不是 pingshen 按规则写出的；请向导出它的人索取原始导出文件。"
    )]
    Refused(String),

    #[error(
        "数据目录 {dir} 是只读的（{why}），只能查看、导出和生成报告，不能修改。要评分或导入，请换一个可写的数据目录（--data-dir），或请管理员给这个目录写权限。"
    )]
    ReadOnly { dir: PathBuf, why: String },

    #[error(
        "检查 {id}（{name}）已标记为已完成，不能再修改。要修改，须先重新打开它（重新打开会记入修改历史）。"
    )]
    Completed { id: String, name: String },

    #[error("{}", untrusted_message(keys))]
    Untrusted { keys: Vec<super::merge::Untrusted> },

    #[error(transparent)]
    NoActor(#[from] crate::identity::NoActor),

    /// A refusal whose way out is a command or a key: the message, and the hint apart.
    #[error("{message}")]
    Hinted { message: String, hint: Hint },

    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    /// What the user can do next, if the error has a way out.
    pub fn hint(&self) -> Option<Hint> {
        match self {
            StoreError::Unopenable { .. } => Some(Hint::Recover),
            StoreError::UnknownInspection(_) => Some(Hint::ListInspections),
            StoreError::UnknownItem { inspection, .. } => Some(Hint::ShowItems {
                inspection: inspection.clone(),
            }),
            StoreError::PinnedChecklist(id, _) => Some(Hint::ExportFirst {
                inspection: id.clone(),
            }),
            StoreError::Completed { id, .. } => Some(Hint::Reopen {
                inspection: id.clone(),
            }),
            StoreError::Hinted { hint, .. } => Some(hint.clone()),
            StoreError::Untrusted { keys } if keys.iter().any(|k| !k.revoked) => {
                Some(Hint::TrustKeys {
                    fingerprints: keys
                        .iter()
                        .filter(|k| !k.revoked)
                        .map(|k| k.key.fingerprint())
                        .collect(),
                })
            }
            StoreError::NoActor(_) => Some(Hint::NameActor),
            _ => None,
        }
    }
}

fn untrusted_message(keys: &[super::merge::Untrusted]) -> String {
    let (revoked, unknown): (Vec<_>, Vec<_>) = keys.iter().partition(|k| k.revoked);
    let list = |ks: &[&super::merge::Untrusted]| {
        ks.iter()
            .map(|k| {
                format!(
                    "{}（密钥指纹 {}）",
                    crate::text::for_terminal_line(&k.name),
                    k.key.fingerprint()
                )
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut parts = Vec::new();
    if !revoked.is_empty() {
        parts.push(format!(
            "文件中有已被吊销的签名密钥：{}，已拒绝，没有任何改动。",
            list(&revoked)
        ));
    }
    if !unknown.is_empty() {
        parts.push(format!(
            "文件中有本机第一次见到的签名密钥：{}。请与本人当面或电话核对指纹，确认无误后接受，再导入；在此之前没有任何改动。",
            list(&unknown)
        ));
    }
    parts.join("")
}

/// A failed read, for `map_err`.
pub(crate) fn read_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Read(e.to_string())
}

/// A failed sled write, for `map_err`. A full disk (or the file-size limit) is named
/// as such, recognised by the I/O error's kind.
pub(crate) fn write_err(e: sled::Error) -> StoreError {
    match &e {
        sled::Error::Io(io) => io_write_err(io, None),
        _ => StoreError::Write(e.to_string()),
    }
}

/// A failed file write (`what` names the file), full disk recognised by its kind.
pub(crate) fn io_write_err(io: &std::io::Error, what: Option<&str>) -> StoreError {
    let place = what.map(|w| format!("{w}：")).unwrap_or_default();
    if super::open::is_disk_full(io) {
        return StoreError::Write(format!("{place}磁盘已满或超出文件大小限制（{io}）"));
    }
    StoreError::Write(format!("{place}{io}"))
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A failed sled transaction, for `map_err`. Our transactions never abort themselves,
/// so only storage errors reach here.
pub(crate) fn tx_err(e: sled::transaction::TransactionError<()>) -> StoreError {
    match e {
        sled::transaction::TransactionError::Storage(e) => write_err(e),
        sled::transaction::TransactionError::Abort(()) => StoreError::Write("事务被中止".into()),
    }
}
