# ruff: noqa: E501 - translation strings read best unbroken
"""Simplified Chinese for the UI: fills organizer_zh_CN.ts, then lrelease makes the .qm.

pyside6-lupdate organizer/ui/*.py -ts resources/translations/organizer_zh_CN.ts
python resources/translations/zh_CN.py
pyside6-lrelease resources/translations/organizer_zh_CN.ts
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent

ZH = {
    "&About Organizer": "关于 Organizer(&A)",
    "&Add Folder…": "添加文件夹(&A)…",
    "&Delete Tag…": "删除标签(&D)…",
    "&Edit": "编辑(&E)",
    "&File": "文件(&F)",
    "&Find…": "查找(&F)…",
    "&Help": "帮助(&H)",
    "&Merge Tags…": "合并标签(&M)…",
    "&Model": "模型(&M)",
    "&Quit": "退出(&Q)",
    "&Redo": "重做(&R)",
    "&Rename Tag…": "重命名标签(&R)…",
    "&Rescan All Folders": "重新扫描所有文件夹(&R)",
    "&Retrain…": "重新训练(&R)…",
    "&Settings…": "设置(&S)…",
    "&Tags": "标签(&T)",
    "&Undo": "撤销(&U)",
    "&Versions and Rollback…": "版本与回滚(&V)…",
    "&View": "视图(&V)",
    "(Esc: back, ←/→: previous/next)": "(Esc：返回，←/→：上一张/下一张)",
    "(loading the model…)": "(正在加载模型…)",
    "AND (all of)": "AND(全部满足)",
    "About Organizer": "关于 Organizer",
    "Add": "添加",
    "Add &Tag to Selection": "为所选照片添加标签(&T)",
    "Add Tag…": "添加标签…",
    "Add a folder of photos. Organizer watches it, tags every photo with its model and lets "
    "you browse albums by tag. Your files are not moved.": (
        "添加一个照片文件夹。Organizer 会监视它，用模型为每张照片打标签，"
        "并让您按标签浏览相册。您的文件不会被移动。"
    ),
    "Add a photo folder": "添加照片文件夹",
    "Add a photo folder…": "添加照片文件夹…",
    "Add a tag… (T)": "添加标签… (T)",
    "Add folder…": "添加文件夹…",
    "Add with AND": "以 AND 添加",
    "Add with OR": "以 OR 添加",
    "Adding {folder}": "正在添加 {folder}",
    "Add…": "添加…",
    "All photos ({count})": "全部照片 ({count})",
    "All tags (confirmed and suggested)": "所有标签(已确认和建议的)",
    "Cancel": "取消",
    "Cancelling after the current batch…": "当前批次完成后取消…",
    "Cannot read this photo's details: {error}": "无法读取这张照片的详情：{error}",
    "Cannot show this photo: {reason}": "无法显示这张照片：{reason}",
    "Change {count} tags": "修改 {count} 个标签",
    "Changes apply to every selected photo.": "修改将应用到所有选中的照片。",
    "Click adds with:": "点击标签时使用：",
    "Confirm": "确认",
    "Confirm the selected tags (C)": "确认选中的标签 (C)",
    "Confirmed tags only": "仅已确认的标签",
    "Could not be tagged: {error}": "无法打标签：{error}",
    "Could not open a file manager for {path}": "无法为 {path} 打开文件管理器",
    "Delete…": "删除…",
    "Exclude (NOT)": "排除(NOT)",
    "Language (after restart):": "界面语言(重启后生效)：",
    "Loading…": "正在加载…",
    "Merge into…": "合并到…",
    "Minimum score shown:": "显示的最低分数：",
    "Model versions": "模型版本",
    "Model versions are not part of this build yet": "此版本尚不支持模型版本管理",
    "NOT (exclude)": "NOT(排除)",
    "No photos match this filter.": "没有符合此筛选条件的照片。",
    "Not tagged yet": "尚未打标签",
    "Now running on: {provider}": "当前运行于：{provider}",
    "OR (any of)": "OR(任一满足)",
    "Off": "关闭",
    "Open": "打开",
    "Open in file manager": "在文件管理器中打开",
    "Organizer": "Organizer",
    "Photos": "照片",
    "Query error: {error}": "查询错误：{error}",
    "Reject": "拒绝",
    "Reject the selected tags (Delete)": "拒绝选中的标签 (Delete)",
    "Remove": "移除",
    "Remove folder": "移除文件夹",
    "Remove from library": "从图库中移除",
    "Rename…": "重命名…",
    "Rescan": "重新扫描",
    "Retag": "重新打标签",
    "Retag {count} Photo(s)": "重新为 {count} 张照片打标签",
    "Retagging {count} photo(s)": "正在为 {count} 张照片重新打标签",
    "Retagging {folder}": "正在为 {folder} 重新打标签",
    "Run the model on the GPU when one is available": "有 GPU 时使用 GPU 运行模型",
    "Scanning {folder}": "正在扫描 {folder}",
    "Score": "分数",
    "Search tags: dog AND (beach OR sea) NOT cat": "搜索标签：dog AND (beach OR sea) NOT cat",
    "Select &All": "全选(&A)",
    "Select a photo to see its tags": "选择一张照片以查看其标签",
    "Settings": "设置",
    "Show &All Photos": "显示全部照片(&A)",
    "Show in File Manager": "在文件管理器中显示",
    "Show only “{tag}”": "只显示“{tag}”",
    "Source": "来源",
    "State": "状态",
    "Stop watching the selected folder (files stay on disk)": "停止监视所选文件夹(文件保留在磁盘上)",
    "Suggested tags scored below this are hidden in the details panel": (
        "分数低于此值的建议标签不在详情面板中显示"
    ),
    "System default": "跟随系统",
    "Tag": "标签",
    "Tag Names in &Chinese (简体中文)": "标签名使用中文(&C)",
    "Tag Names in &English": "标签名使用英文(&E)",
    "Taken {date}": "拍摄于 {date}",
    "The model loads with the first tagging job.": "模型将在第一次打标签任务时加载。",
    "Training is not part of this build yet": "此版本尚不包含训练功能",
    "Unexpected output from 'organizer models'": "“organizer models”的输出无法识别",
    "Use model version:": "使用模型版本：",
    "Watched folders:": "监视的文件夹：",
    "Write keywords into files:": "将关键词写入文件：",
    "Write tags to files": "将标签写入文件",
    "Writing keywords into files is not part of this build": "此版本尚不支持将关键词写入文件",
    "Writing tags into files under {path}…": "正在将标签写入 {path} 下的文件…",
    "Your library is empty": "您的图库是空的",
    "all folders": "所有文件夹",
    "confirmed": "已确认",
    "file": "文件",
    "model": "模型",
    "model version {version}": "模型版本 {version}",
    "on {count} of {total}": "{total} 张中的 {count} 张",
    "reading new files": "读取新文件",
    "rejected": "已拒绝",
    "suggested": "建议",
    "tagging": "打标签",
    "you": "您",
    "{count} photos": "{count} 张照片",
    "{count} photos match": "{count} 张照片符合",
    "{count} photos selected": "已选中 {count} 张照片",
    "{job} failed: {error}": "{job} 失败：{error}",
    "{name} ({origin} tag): {count} photos": "{name}({origin} 标签)：{count} 张照片",
    "{verb} “{tag}” on {count} photo(s)": "对 {count} 张照片{verb}“{tag}”",
    "“organizer {command}” failed (exit status {code}).": "“organizer {command}”失败(退出码 {code})。",
    "Organizer tags your photos with a local model, lets you correct the tags, and keeps every "
    "tag's provenance.\n\nLibrary: {path}": (
        "Organizer 用本地模型为照片打标签，允许您修正标签，并记录每个标签的来源。\n\n图库：{path}"
    ),
    "Stop watching {path}?\n\nIts photos leave the library with their tags and corrections. "
    "The files themselves are not touched.": (
        "停止监视 {path}？\n\n其中的照片及其标签和修正将从图库中移除。文件本身不会被改动。"
    ),
    "Unexpected error": "意外错误",
    "Something went wrong inside Organizer. Your photos and tags are safe; the last action may "
    "not have finished. Details were written to the log.": (
        "Organizer 内部出现错误。您的照片和标签是安全的；上一个操作可能没有完成。详细信息已写入日志。"
    ),
    "Rename tag": "重命名标签",
    "Tag to rename:": "要重命名的标签：",
    "New name for “{tag}”:": "“{tag}”的新名称：",
    "Merge tags": "合并标签",
    "Tag to merge away:": "要合并掉的标签：",
    "Merge “{tag}” into:": "将“{tag}”合并到：",
    "Delete tag": "删除标签",
    "Tag to delete:": "要删除的标签：",
    "Delete “{tag}” from every photo, with your confirmations and rejections of it? Edit → Undo "
    "(Ctrl+Z) brings it back. A model tag comes back as a suggestion at the next retag.": (
        "从所有照片中删除“{tag}”及您对它的确认和拒绝？编辑 → 撤销(Ctrl+Z)可以恢复。模型标签会在下次重新打标签时作为建议重新出现。"
    ),
    "Rename “{old}” to “{new}”": "将“{old}”重命名为“{new}”",
    "There is no tag named “{tag}” in this library.": "此图库中没有名为“{tag}”的标签。",
    "No photos in {folder} match this filter. View → Show All Photos (Ctrl+Shift+A) searches the "
    "whole library.": "{folder} 中没有符合此筛选条件的照片。视图 → 显示所有照片(Ctrl+Shift+A)可搜索整个图库。",
    "Sort by &Date Taken, Oldest First": "按拍摄日期排序，最早的在前(&D)",
    "Sort by Date Taken, Ne&west First": "按拍摄日期排序，最新的在前(&W)",
    "Sort by &Name, A to Z": "按名称排序，A 到 Z(&N)",
    "Sort by Name, &Z to A": "按名称排序，Z 到 A(&Z)",
    "Merge “{tag}” into “{target}”": "将“{tag}”合并到“{target}”",
    "Delete “{tag}”": "删除“{tag}”",
    "Review Photos for “{tag}”": "审阅“{tag}”的照片",
    "Re&view a Tag…": "审阅标签(&V)…",
    "Find &Similar Photos": "查找相似照片(&S)",
    "Find Similar Photos": "查找相似照片",
    "Review a tag": "审阅标签",
    "Photos to review for:": "要审阅照片的标签：",
    "Confirm (Y)": "确认 (Y)",
    "Reject (N)": "拒绝 (N)",
    "Done (Esc)": "完成 (Esc)",
    "Reviewing “{tag}”: photos nobody has confirmed or rejected for it, most likely first. Y "
    "confirms, N rejects the selected photos; the next one follows.": (
        "正在审阅“{tag}”：尚未被确认或拒绝的照片，最可能的排在前面。按 Y 确认、按 N 拒绝所选照片，然后自动转到下一张。"
    ),
    "Photos most like the {count} chosen, most alike first.": "与所选 {count} 张最相似的照片，最相似的排在前面。",
    "{count} photo(s).": "共 {count} 张。",
    "{count} photo(s) in {groups} group(s).": "共 {count} 张，分为 {groups} 组。",
    "Show D&uplicates": "显示重复照片(&U)",
    "Looking…": "正在查找…",
    "Comparing with the current model on every photo…": "正在所有照片上与当前模型比较…",
    "activated: no tag got worse on the held-out corrections, and no suggestion changed beyond what the corrections explain on the %1 photos": "已启用：在留出的更正上没有标签变差，且在 %1 张照片上没有超出更正所能解释的建议变化",
    "kept as a candidate: %1": "保留为候选模型：%1",
    "kept as a candidate: worse on the held-out corrections of %1": "保留为候选模型：在留出的更正上，%1 变差了",
    "kept as a candidate, as asked": "按要求保留为候选模型",
    "%1: a new tag suggested on %2% of the library (%3 of %4 photos) from %5 examples": "%1：新标签仅凭 %5 个示例就被建议到照片库的 %2%（%4 张中的 %3 张）",
    "%1: %2 → %3 suggestions on photos you didn't correct (+%4 −%5, from %6 confirmed and %7 rejected)": "%1：在你未更正的照片上，建议从 %2 变为 %3（+%4 −%5，依据 %6 个确认和 %7 个拒绝）",
    "Duplicates: exact copies of the same file first, then photos that are nearly the same picture, each group side by side. Nothing is deleted.": "重复照片：先列出同一文件的完全副本，再列出几乎相同的照片，每组并排显示。不会删除任何文件。",
    "No duplicates: no two photos in this library are copies of each other or nearly the same picture.": "没有重复照片：此照片库中没有互为副本或几乎相同的两张照片。",
    "Nothing left to review for “{tag}”.": "“{tag}”已没有待审阅的照片。",
    "There are no other photos to compare with.": "没有其他照片可供比较。",
    "Writing tags under {folder}": "正在写入 {folder} 下的标签",
    "{count} file(s) could not be written.": "{count} 个文件无法写入。",
    "epoch 1": "第 1 轮",
    "epoch %1": "第 %1 轮",
    "Retrain the model": "重新训练模型",
    "Starting…": "正在开始…",
    "training loss": "训练损失",
    "held-out loss": "留出集损失",
    "held-out agreement": "留出集一致率",
    "Kind": "类型",
    "Confirmed / rejected": "确认 / 拒绝",
    "Errors before → after": "错误 之前 → 之后",
    "Threshold": "阈值",
    "Suggested on other photos": "在其他照片上的建议",
    "Held-out AP": "留出集 AP",
    "Suggested on photos you didn't correct": "在您未修正的照片上的建议",
    "Appear": "新增",
    "Disappear": "消失",
    "Verdict": "结论",
    "Activate this model": "启用此模型",
    "Corrected tags": "修正过的标签",
    "Changes on your other photos": "您其他照片上的变化",
    "Reading your corrections…": "正在读取您的修正…",
    "Training…": "正在训练…",
    "Exporting and checking the model…": "正在导出并检查模型…",
    "Updating suggestions on your photos…": "正在更新照片上的建议…",
    "Learning %1 from %2 photos.": "从 %2 张照片学习 %1。",
    "There are no corrections to learn from yet: confirm or reject some tags first.": "还没有可学习的更正：请先确认或拒绝一些标签。",
    "“%1” has %2": "“%1”有 %2 张",
    "Nothing to train yet: a new tag needs %1 confirmed photos (%2).": "暂时无需训练：新标签需要 %1 张已确认的照片（%2）。",
    "“%1” has %2 confirmed photos; a new tag needs %3.": "“%1”有 %2 张已确认的照片；新标签需要 %3 张。",
    "“%1”: its confirmed photos have little in common, so it is not suggested on its own; Tags → Review a Tag… lists photos like them.": "“%1”：已确认的照片之间几乎没有共同点，因此不会自动建议此标签；“标签 → 审阅标签…”会列出与它们相似的照片。",
    "new": "新",
    "retrained": "重新训练",
    "Model %1: %2": "模型 %1：%2",
    "explained by your corrections": "可由您的修正解释",
    "“%1”: photos that gain it and photos that lose it": "“%1”：获得和失去它的照片",
    "“%1”: no photo you didn't correct gains or loses it": "“%1”：您未修正的照片中没有获得或失去它的",
    "gains": "获得",
    "loses": "失去",
    "Cancelled. The active model is unchanged.": "已取消。当前模型未改变。",
    "Training failed. The active model is unchanged.": "训练失败。当前模型未改变。",
    "Done.": "完成。",
    "Cancelling…": "正在取消…",
    "Activating %1…": "正在启用 %1…",
    "Model %1 is active.": "模型 %1 已启用。",
    "Could not activate the model.": "无法启用模型。",
    "Watch these folders: index new, changed and deleted photos automatically": "监视这些文件夹：自动索引新增、更改和删除的照片",
    "Watching off": "监视已关闭",
    "Starting to watch…": "正在开始监视…",
    "Watching {count} folder(s)": "正在监视 {count} 个文件夹",
    "No folders to watch": "没有要监视的文件夹",
    "Not watching": "未在监视",
    "New, changed and deleted photos are indexed automatically.": "新增、更改和删除的照片会被自动索引。",
    "Last change: {what}": "最近的变化：{what}",
    "{count} problem(s), click for details": "{count} 个问题，点击查看详情",
    "Watching folders": "监视文件夹",
    "Some changes on disk may be noticed late:": "磁盘上的部分变化可能会较晚被发现：",
}


def fill(ts_path: Path) -> list[str]:
    """Write translations into the .ts; returns the sources still untranslated."""
    tree = ET.parse(ts_path)
    missing = []
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if source in ZH:
            translation.text = ZH[source]
            translation.attrib.pop("type", None)
        else:
            missing.append(source)
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    return missing


if __name__ == "__main__":
    for source in fill(HERE / "organizer_zh_CN.ts"):
        print("untranslated:", repr(source))
