//! `pingshen grade`: records a grade, note, 整改意见 or evidence for one item, or, with
//! `--batch`, one line per item from standard input. Each is reported only once it is
//! durably saved.

use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use pingshen::scoring::Grade;
use pingshen::store::{Edit, Store};

use super::Paths;

#[derive(Args, Debug)]
pub struct GradeArgs {
    /// 检查编号（可只写开头几位）
    pub id: String,
    /// 条款编号，如 2.1.3（--batch 时不写）
    #[arg(required_unless_present = "batch")]
    pub item: Option<String>,
    /// 档次：A、B、C、D（不达标）、NA（不适用）；clear 清除档次。只改备注时可不写
    pub grade: Option<String>,
    /// 备注（评审发现）
    #[arg(long)]
    pub note: Option<String>,
    /// 整改意见
    #[arg(long = "action", value_name = "TEXT")]
    pub corrective_action: Option<String>,
    /// 整改意见的责任科室，如「公共卫生科」；- 清除
    #[arg(long, value_name = "科室")]
    pub owner: Option<String>,
    /// 整改期限，如 2027-01-31；- 清除
    #[arg(long, value_name = "日期")]
    pub due: Option<String>,
    /// 整改状态：待整改、整改中、已整改、已复核。检查已完成后也能改（只改责任科室、期限、状态时）
    #[arg(long, value_name = "状态")]
    pub status: Option<String>,
    /// 上次评审对本条款的整改意见落实得如何（回头看、复核）：已落实、部分落实、未落实；- 清除
    #[arg(long = "follow-up", value_name = "结果")]
    pub follow_up: Option<String>,
    /// 把第 N 条常用评语（序号见 pingshen phrases ID 条款）加到备注末尾，另起一行；可写多次
    #[arg(long = "note-phrase", value_name = "N")]
    pub note_phrase: Vec<usize>,
    /// 把第 N 条常用评语加到整改意见末尾，另起一行；可写多次
    #[arg(long = "action-phrase", value_name = "N")]
    pub action_phrase: Vec<usize>,
    /// 佐证材料文件：复制到数据目录（按 sha256 保存，原文件移走或删除也不丢），记录文件名、大小、拍摄时间（可写多次）
    #[arg(long = "evidence", value_name = "FILE")]
    pub evidence: Vec<PathBuf>,
    /// 去掉记错的佐证材料：写文件名或 sha256 的前 8 位以上（可写多次；文件仍保留在数据目录）
    #[arg(long = "remove-evidence", value_name = "PATH")]
    pub remove_evidence: Vec<String>,
    /// 从标准输入逐行读取「条款编号<TAB>档次[<TAB>备注]」，每保存一条打印一行。
    /// 每行单独保存：有问题的行（不是 UTF-8、条款或档次不存在、超过 256 KB）报告行号后跳过，
    /// 其余各行照常保存；只要有一行未保存，退出码为 1
    #[arg(long, conflicts_with_all = ["item", "grade", "note", "corrective_action", "note_phrase", "action_phrase", "evidence", "remove_evidence", "owner", "due", "status", "follow_up"])]
    pub batch: bool,
}

/// A grade as typed; `Ok(None)` means clear it.
fn parse_grade(s: &str) -> anyhow::Result<Option<Grade>> {
    match s.trim() {
        "clear" | "清除" | "待评" | "-" => Ok(None),
        other => match Grade::parse(other) {
            Some(g) => Ok(Some(g)),
            None => bail!(
                "档次 `{other}` 不存在。可用：A、B、C、D（不达标）、NA（不适用），或 clear 清除。"
            ),
        },
    }
}

/// Whether a value typed for an optional field means "clear it".
fn is_clear(s: &str) -> bool {
    matches!(s.trim(), "-" | "clear" | "清除" | "")
}

/// The edits of `--owner`, `--due`, `--status` and `--follow-up`.
fn plan_edits(args: &GradeArgs) -> anyhow::Result<Vec<Edit>> {
    use pingshen::store::{ActionStatus, FollowUp, parse_date};
    let mut out = Vec::new();
    if let Some(o) = &args.owner {
        out.push(Edit::ActionOwner(if is_clear(o) {
            String::new()
        } else {
            o.clone()
        }));
    }
    if let Some(d) = &args.due {
        out.push(Edit::ActionDue(if is_clear(d) {
            None
        } else {
            Some(parse_date(d).map_err(|why| anyhow::anyhow!("整改期限 `{d}` 不对：{why}。"))?)
        }));
    }
    if let Some(s) = &args.status {
        let Some(status) = ActionStatus::parse(s) else {
            bail!("整改状态 `{s}` 不存在。可用：待整改、整改中、已整改、已复核。");
        };
        out.push(Edit::ActionStatus(status));
    }
    if let Some(f) = &args.follow_up {
        out.push(Edit::FollowUp(if is_clear(f) {
            None
        } else {
            match FollowUp::parse(f) {
                Some(f) => Some(f),
                None => bail!("落实情况 `{f}` 不存在。可用：已落实、部分落实、未落实，或 - 清除。"),
            }
        }));
    }
    Ok(out)
}

/// `pingshen undo` / `pingshen redo`: the acting inspector's last change on this
/// laptop taken back, or put back; said once it is on disk.
pub fn undo(paths: &Paths, id: &str, redo: bool) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let inspection = store.get(&id)?;
    let by = paths.actor(&store, &inspection)?;
    let done = if redo {
        store.redo(&id, &by)?
    } else {
        store.undo(&id, &by)?
    };
    println!("{}", done.message());
    Ok(ExitCode::SUCCESS)
}

pub fn run(paths: &Paths, args: GradeArgs) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(&args.id)?;
    let inspection = store.get(&id)?;
    let by = paths.actor(&store, &inspection)?;
    if args.batch {
        return batch(&store, &id, &by);
    }
    let item = args.item.as_deref().unwrap_or_default().trim();
    let mut changes = Vec::new();
    if let Some(g) = &args.grade {
        changes.push(Edit::Grade(parse_grade(g)?));
    }
    let (note, action, added) = with_phrases(paths, &store, &inspection, item, &args)?;
    if let Some(n) = note {
        changes.push(Edit::Note(n));
    }
    if let Some(a) = action {
        changes.push(Edit::CorrectiveAction(a));
    }
    for path in &args.evidence {
        changes.push(Edit::AddEvidence(store.keep_evidence(path)?));
    }
    for path in &args.remove_evidence {
        changes.push(Edit::RemoveEvidence(path.clone()));
    }
    changes.extend(plan_edits(&args)?);
    if changes.is_empty() {
        bail!(
            "没有要保存的内容：请给出档次，或 --note / --action / --owner / --due / --status / --follow-up / --note-phrase / --action-phrase / --evidence / --remove-evidence。"
        );
    }
    let saved = store.update(&id, item, &changes, &by)?;
    let grade = saved.assessment.grade.map_or("待评", |g| g.label());
    if saved.changed {
        outln!("已保存：检查 {id} 条款 {item} → {grade}");
        for (field, phrase) in &added {
            outln!("  {field}加上了：{phrase}");
        }
        let a = &saved.assessment;
        if pingshen::store::has_action(a)
            && changes
                .iter()
                .any(|c| c.is_plan() || matches!(c, Edit::CorrectiveAction(_)))
        {
            outln!("  整改：{}", a.plan.summary());
        }
        if let Some(f) = a.follow_up {
            outln!("  上次整改意见：{}", f.label());
        }
    } else {
        outln!("无变化：检查 {id} 条款 {item} 已是 {grade}");
    }
    if let Some(w) = saved.backup_warning {
        errln!("{w}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The note and 整改意见 to save: as given (`--note`, `--action`) or as stored, with
/// the phrases numbered by `--note-phrase` / `--action-phrase` added at the end, each
/// on its own line; `None` where neither was given. Also each phrase added, by field,
/// to say once saved. A number with no phrase refuses the whole command.
fn with_phrases(
    paths: &Paths,
    store: &Store,
    inspection: &pingshen::store::Inspection,
    item: &str,
    args: &GradeArgs,
) -> anyhow::Result<WithPhrases> {
    if args.note_phrase.is_empty() && args.action_phrase.is_empty() {
        return Ok((
            args.note.clone(),
            args.corrective_action.clone(),
            Vec::new(),
        ));
    }
    let offered = super::phrases::offered_for(paths, store, inspection, item)?;
    let stored = store
        .assessment(&inspection.id, item)?
        .unwrap_or_else(|| pingshen::store::Assessment::empty(item));
    let mut added = Vec::new();
    let mut add = |field: &'static str, numbers: &[usize], given: &Option<String>, stored: &str| {
        if numbers.is_empty() {
            return Ok(given.clone());
        }
        let mut text = given.clone().unwrap_or_else(|| stored.to_string());
        for &n in numbers {
            let Some(phrase) = n.checked_sub(1).and_then(|i| offered.get(i)) else {
                bail!(
                    "条款 {item} 没有第 {n} 条常用评语（共 {} 条，序号从 1 开始），没有保存任何改动。运行 `pingshen phrases {} {item}` 查看。",
                    offered.len(),
                    inspection.id
                );
            };
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&phrase.text);
            added.push((field, phrase.text.clone()));
        }
        Ok(Some(text))
    };
    let note = add("备注", &args.note_phrase, &args.note, &stored.note)?;
    let action = add(
        "整改意见",
        &args.action_phrase,
        &args.corrective_action,
        &stored.corrective_action,
    )?;
    Ok((note, action, added))
}

/// The note and 整改意见 to save, and the phrases added to them.
type WithPhrases = (Option<String>, Option<String>, Vec<(&'static str, String)>);

/// Longest line `--batch` reads; a longer one is reported and skipped.
const BATCH_LINE_MAX: usize = 256 * 1024;

/// Reads `ITEM<TAB>GRADE[<TAB>NOTE]` lines until end of input. Every line is saved on
/// its own; a bad line (not UTF-8, unknown item or grade, too long) is reported with
/// its line number and skipped, and the rest go on. The exit code is 1 when any line
/// was not saved.
fn batch(store: &Store, id: &str, by: &str) -> anyhow::Result<ExitCode> {
    let mut input = std::io::stdin().lock();
    let mut failed = 0;
    let mut raw = Vec::new();
    for n in 1usize.. {
        raw.clear();
        let read = (&mut input)
            .take(BATCH_LINE_MAX as u64 + 1)
            .read_until(b'\n', &mut raw)
            .context("读取标准输入失败")?;
        if read == 0 {
            break;
        }
        if raw.len() > BATCH_LINE_MAX && !raw.ends_with(b"\n") {
            // Skip the rest of the over-long line.
            let mut rest = Vec::new();
            input
                .read_until(b'\n', &mut rest)
                .context("读取标准输入失败")?;
            failed += 1;
            errln!("第 {n} 行未保存：这一行超过 {} KB。", BATCH_LINE_MAX / 1024);
            continue;
        }
        let Ok(line) = std::str::from_utf8(&raw) else {
            failed += 1;
            errln!(
                "第 {n} 行未保存：这一行不是 UTF-8 文本（可能是 GBK 编码）。请把输入另存为 UTF-8 后重试这一行。"
            );
            continue;
        };
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let item = fields.next().unwrap_or_default().trim();
        let grade = fields.next().unwrap_or_default();
        let note = fields.next();
        let result = parse_grade(grade).and_then(|g| {
            let mut changes = vec![Edit::Grade(g)];
            if let Some(note) = note {
                changes.push(Edit::Note(note.replace("\\n", "\n")));
            }
            Ok(store.update(id, item, &changes, by)?)
        });
        match result {
            Ok(saved) => {
                let g = saved.assessment.grade.map_or("待评", |g| g.label());
                outln!("已保存\t{item}\t{g}");
                if let Some(w) = saved.backup_warning {
                    errln!("{w}");
                }
            }
            Err(e) => {
                failed += 1;
                errln!("第 {n} 行未保存：{e:#}");
            }
        }
    }
    if failed > 0 {
        errln!("共 {failed} 行未保存（其余各行已保存）。");
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
