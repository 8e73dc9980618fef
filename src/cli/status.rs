//! `pingshen complete` and `pingshen reopen`: 已完成, and back, each in the history.

use std::process::ExitCode;

use super::Paths;

pub fn complete(paths: &Paths, id: &str) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let by = paths.actor(&store, &store.get(&id)?)?;
    let i = store.complete(&id, &by)?;
    outln!(
        "检查 {id}（{}）已标记为已完成；之后的修改须先重新打开（pingshen reopen）。",
        i.institution.name
    );
    Ok(ExitCode::SUCCESS)
}

pub fn reopen(paths: &Paths, id: &str, reason: &str) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let by = paths.actor(&store, &store.get(&id)?)?;
    let i = store.reopen(&id, &by, reason)?;
    outln!(
        "检查 {id}（{}）已重新打开，可以修改；原因已记入修改历史。",
        i.institution.name
    );
    Ok(ExitCode::SUCCESS)
}
