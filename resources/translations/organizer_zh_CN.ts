<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>EmptyState</name>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="23" />
        <source>Your library is empty</source>
        <translation>您的图库是空的</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="31" />
        <source>Add a folder of photos. Organizer watches it, tags every photo with its model and lets you browse albums by tag. Your files are not moved.</source>
        <translation>添加一个照片文件夹。Organizer 会监视它，用模型为每张照片打标签，并让您按标签浏览相册。您的文件不会被移动。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="41" />
        <source>Add a photo folder…</source>
        <translation>添加照片文件夹…</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../organizer/ui/errors.py" line="31" />
        <source>Organizer</source>
        <translation>Organizer</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/errors.py" line="43" />
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/errors.py" line="44" />
        <source>Something went wrong inside Organizer. Your photos and tags are safe; the last action may not have finished. Details were written to the log.</source>
        <translation>Organizer 内部出现错误。您的照片和标签是安全的；上一个操作可能没有完成。详细信息已写入日志。</translation>
    </message>
</context>
<context>
    <name>FolderModel</name>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="38" />
        <source>All photos ({count})</source>
        <translation>全部照片 ({count})</translation>
    </message>
</context>
<context>
    <name>FolderPanel</name>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="81" />
        <location filename="../../organizer/ui/folder_panel.py" line="158" />
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="85" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="86" />
        <source>Stop watching the selected folder (files stay on disk)</source>
        <translation>停止监视所选文件夹(文件保留在磁盘上)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="139" />
        <source>Retag</source>
        <translation>重新打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="142" />
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="145" />
        <source>Write tags to files</source>
        <translation>将标签写入文件</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="149" />
        <source>Writing keywords into files is not part of this build</source>
        <translation>此版本尚不支持将关键词写入文件</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="150" />
        <source>Open in file manager</source>
        <translation>在文件管理器中打开</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="155" />
        <source>Remove from library</source>
        <translation>从图库中移除</translation>
    </message>
</context>
<context>
    <name>JobStatus</name>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="20" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="41" />
        <source>(loading the model…)</source>
        <translation>(正在加载模型…)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="45" />
        <source>reading new files</source>
        <translation>读取新文件</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="45" />
        <source>tagging</source>
        <translation>打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="60" />
        <source>{job} failed: {error}</source>
        <translation>{job} 失败：{error}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="64" />
        <source>Cancelling after the current batch…</source>
        <translation>当前批次完成后取消…</translation>
    </message>
</context>
<context>
    <name>LinePlot</name>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="107" />
        <source>epoch 1</source>
        <translation>第 1 轮</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="109" />
        <source>epoch %1</source>
        <translation>第 %1 轮</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="65" />
        <source>Organizer</source>
        <translation>Organizer</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="168" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="169" />
        <source>&amp;Add Folder…</source>
        <translation>添加文件夹(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="171" />
        <source>&amp;Rescan All Folders</source>
        <translation>重新扫描所有文件夹(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="173" />
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="177" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="179" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="180" />
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="182" />
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="187" />
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="190" />
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="192" />
        <source>Add &amp;Tag to Selection</source>
        <translation>为所选照片添加标签(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="195" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="198" />
        <source>Sort by &amp;Date Taken, Oldest First</source>
        <translation>按拍摄日期排序，最早的在前(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="199" />
        <source>Sort by Date Taken, Ne&amp;west First</source>
        <translation>按拍摄日期排序，最新的在前(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="200" />
        <source>Sort by &amp;Name, A to Z</source>
        <translation>按名称排序，A 到 Z(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="201" />
        <source>Sort by Name, &amp;Z to A</source>
        <translation>按名称排序，Z 到 A(&amp;Z)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="211" />
        <source>Tag Names in &amp;English</source>
        <translation>标签名使用英文(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="212" />
        <source>Tag Names in &amp;Chinese (简体中文)</source>
        <translation>标签名使用中文(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="222" />
        <source>Show &amp;All Photos</source>
        <translation>显示全部照片(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="225" />
        <source>Show D&amp;uplicates</source>
        <translation>显示重复照片(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="229" />
        <source>&amp;Tags</source>
        <translation>标签(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="230" />
        <source>Re&amp;view a Tag…</source>
        <translation>审阅标签(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="233" />
        <source>Find &amp;Similar Photos</source>
        <translation>查找相似照片(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="237" />
        <source>&amp;Rename Tag…</source>
        <translation>重命名标签(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="238" />
        <source>&amp;Merge Tags…</source>
        <translation>合并标签(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="239" />
        <source>&amp;Delete Tag…</source>
        <translation>删除标签(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="244" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="245" />
        <source>&amp;About Organizer</source>
        <translation>关于 Organizer(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="376" />
        <source>{count} photos</source>
        <translation>{count} 张照片</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="376" />
        <source>{count} photos match</source>
        <translation>{count} 张照片符合</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="378" />
        <source>{count} photos in {folder} match</source>
        <translation>“{folder}”中 {count} 张照片符合</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="380" />
        <source>{count} photos in {folder}</source>
        <translation>“{folder}”中 {count} 张照片</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="402" />
        <source>Review a tag</source>
        <translation>审阅标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="402" />
        <source>Photos to review for:</source>
        <translation>要审阅照片的标签：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="452" />
        <source>Add a photo folder</source>
        <translation>添加照片文件夹</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="457" />
        <source>Adding {folder}</source>
        <translation>正在添加 {folder}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="470" />
        <source>Remove folder</source>
        <translation>移除文件夹</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="472" />
        <source>Stop watching {path}?

Its photos leave the library with their tags and corrections. The files themselves are not touched.</source>
        <translation>停止监视 {path}？

其中的照片及其标签和修正将从图库中移除。文件本身不会被改动。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="486" />
        <source>Retagging {folder}</source>
        <translation>正在为 {folder} 重新打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="492" />
        <source>all folders</source>
        <translation>所有文件夹</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="494" />
        <source>Scanning {folder}</source>
        <translation>正在扫描 {folder}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="511" />
        <source>Writing tags under {folder}</source>
        <translation>正在写入 {folder} 下的标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="527" />
        <source>{count} file(s) could not be written.</source>
        <translation>{count} 个文件无法写入。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="533" />
        <source>Could not open a file manager for {path}</source>
        <translation>无法为 {path} 打开文件管理器</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="559" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="560" />
        <source>Add Tag…</source>
        <translation>添加标签…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="561" />
        <source>Find Similar Photos</source>
        <translation>查找相似照片</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="563" />
        <source>Retag {count} Photo(s)</source>
        <translation>重新为 {count} 张照片打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="565" />
        <source>Retagging {count} photo(s)</source>
        <translation>正在为 {count} 张照片重新打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="572" />
        <source>Show in File Manager</source>
        <translation>在文件管理器中显示</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="596" />
        <source>About Organizer</source>
        <translation>关于 Organizer</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="598" />
        <source>Organizer tags your photos with a local model, lets you correct the tags, and keeps every tag's provenance.

Library: {path}</source>
        <translation>Organizer 用本地模型为照片打标签，允许您修正标签，并记录每个标签的来源。

图库：{path}</translation>
    </message>
</context>
<context>
    <name>ModelMenu</name>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="25" />
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="28" />
        <source>&amp;Retrain…</source>
        <translation>重新训练(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="29" />
        <source>&amp;Versions and Rollback…</source>
        <translation>版本与回滚(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="79" />
        <source>Model versions</source>
        <translation>模型版本</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="80" />
        <source>Use model version:</source>
        <translation>使用模型版本：</translation>
    </message>
</context>
<context>
    <name>NoMatches</name>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="69" />
        <source>There is no tag named “{tag}” in this library.</source>
        <translation>此图库中没有名为“{tag}”的标签。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="73" />
        <source>No photos in {folder} match this filter. View → Show All Photos (Ctrl+Shift+A) searches the whole library.</source>
        <translation>{folder} 中没有符合此筛选条件的照片。视图 → 显示所有照片(Ctrl+Shift+A)可搜索整个图库。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="76" />
        <source>No photos match this filter.</source>
        <translation>没有符合此筛选条件的照片。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="81" />
        <source>No duplicates: no two photos in this library are copies of each other or nearly the same picture.</source>
        <translation>没有重复照片：此照片库中没有互为副本或几乎相同的两张照片。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="84" />
        <source>Nothing left to review for “{tag}”.</source>
        <translation>“{tag}”已没有待审阅的照片。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="87" />
        <source>There are no other photos to compare with.</source>
        <translation>没有其他照片可供比较。</translation>
    </message>
</context>
<context>
    <name>PhotoPanel</name>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="71" />
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="72" />
        <source>Confirm the selected tags (C)</source>
        <translation>确认选中的标签 (C)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="74" />
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="75" />
        <source>Reject the selected tags (Delete)</source>
        <translation>拒绝选中的标签 (Delete)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="82" />
        <source>Add a tag… (T)</source>
        <translation>添加标签… (T)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="89" />
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="137" />
        <source>Select a photo to see its tags</source>
        <translation>选择一张照片以查看其标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="181" />
        <source>Cannot show this photo: {reason}</source>
        <translation>无法显示这张照片：{reason}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="189" />
        <source>{count} photos selected</source>
        <translation>已选中 {count} 张照片</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="190" />
        <source>Changes apply to every selected photo.</source>
        <translation>修改将应用到所有选中的照片。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="195" />
        <source>Cannot read this photo's details: {error}</source>
        <translation>无法读取这张照片的详情：{error}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="214" />
        <source>Taken {date}</source>
        <translation>拍摄于 {date}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="216" />
        <source>Could not be tagged: {error}</source>
        <translation>无法打标签：{error}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="218" />
        <source>Not tagged yet</source>
        <translation>尚未打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="246" />
        <source>Change {count} tags</source>
        <translation>修改 {count} 个标签</translation>
    </message>
</context>
<context>
    <name>PhotoTagModel</name>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="47" />
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="47" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="47" />
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="47" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="50" />
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="50" />
        <source>you</source>
        <translation>您</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="50" />
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="56" />
        <source>on {count} of {total}</source>
        <translation>{total} 张中的 {count} 张</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="58" />
        <source>suggested</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="59" />
        <source>confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="60" />
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_tag_model.py" line="79" />
        <source>model version {version}</source>
        <translation>模型版本 {version}</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <location filename="../../organizer/ui/photo_viewer.py" line="39" />
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_viewer.py" line="40" />
        <source>(Esc: back, ←/→: previous/next)</source>
        <translation>(Esc：返回，←/→：上一张/下一张)</translation>
    </message>
</context>
<context>
    <name>RankingBar</name>
    <message>
        <location filename="../../organizer/ui/ranking_bar.py" line="23" />
        <source>Confirm (Y)</source>
        <translation>确认 (Y)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/ranking_bar.py" line="24" />
        <source>Reject (N)</source>
        <translation>拒绝 (N)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/ranking_bar.py" line="25" />
        <source>Done (Esc)</source>
        <translation>完成 (Esc)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/ranking_bar.py" line="51" />
        <source>Reviewing “{tag}”: photos nobody has confirmed or rejected for it, most likely first. Y confirms, N rejects the selected photos; the next one follows.</source>
        <translation>正在审阅“{tag}”：尚未被确认或拒绝的照片，最可能的排在前面。按 Y 确认、按 N 拒绝所选照片，然后自动转到下一张。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/ranking_bar.py" line="56" />
        <source>Duplicates: exact copies of the same file first, then photos that are nearly the same picture, each group side by side. Nothing is deleted.</source>
        <translation>重复照片：先列出同一文件的完全副本，再列出几乎相同的照片，每组并排显示。不会删除任何文件。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/ranking_bar.py" line="60" />
        <source>Photos most like the {count} chosen, most alike first.</source>
        <translation>与所选 {count} 张最相似的照片，最相似的排在前面。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/ranking_bar.py" line="64" />
        <source>Looking… {percent}%</source>
        <translation>正在查找… {percent}%</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/ranking_bar.py" line="66" />
        <source>Looking…</source>
        <translation>正在查找…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/ranking_bar.py" line="68" />
        <source>{count} photo(s) in {groups} group(s).</source>
        <translation>共 {count} 张，分为 {groups} 组。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/ranking_bar.py" line="71" />
        <source>{count} photo(s).</source>
        <translation>共 {count} 张。</translation>
    </message>
</context>
<context>
    <name>Reports</name>
    <message>
        <location filename="../../organizer/ui/reports.py" line="17" />
        <source>{count} new</source>
        <translation>新增 {count} 张</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="18" />
        <source>{count} changed</source>
        <translation>{count} 张已更改</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="19" />
        <source>{count} moved</source>
        <translation>{count} 张已移动</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="20" />
        <source>{count} removed</source>
        <translation>{count} 张已移除</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="21" />
        <source>{count} unchanged</source>
        <translation>{count} 张未变</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="22" />
        <source>{count} tagged</source>
        <translation>{count} 张已打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="23" />
        <source>{count} duplicates</source>
        <translation>{count} 张重复</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="24" />
        <source>{count} could not be read</source>
        <translation>{count} 张无法读取</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="25" />
        <source>{count} skipped</source>
        <translation>{count} 张已跳过</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="28" />
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="28" />
        <source>no changes</source>
        <translation>没有变化</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="29" />
        <location filename="../../organizer/ui/reports.py" line="38" />
        <source> (cancelled)</source>
        <translation>（已取消）</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="33" />
        <source>{written} written, {unchanged} already up to date</source>
        <translation>已写入 {written} 张，{unchanged} 张已是最新</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/reports.py" line="37" />
        <source>, {count} failed</source>
        <translation>，{count} 张失败</translation>
    </message>
</context>
<context>
    <name>RetrainDialog</name>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="166" />
        <source>Retrain the model</source>
        <translation>重新训练模型</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="182" />
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="186" />
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="187" />
        <source>held-out loss</source>
        <translation>留出集损失</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="188" />
        <source>held-out agreement</source>
        <translation>留出集一致率</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="192" />
        <location filename="../../organizer/ui/retrain_dialog.py" line="198" />
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="192" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="192" />
        <source>Confirmed / rejected</source>
        <translation>确认 / 拒绝</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="193" />
        <source>Errors before → after</source>
        <translation>错误 之前 → 之后</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="193" />
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="194" />
        <source>Suggested on other photos</source>
        <translation>在其他照片上的建议</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="194" />
        <source>Held-out AP</source>
        <translation>留出集 AP</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="198" />
        <source>Suggested on photos you didn't correct</source>
        <translation>在您未修正的照片上的建议</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="199" />
        <source>Appear</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="199" />
        <source>Disappear</source>
        <translation>消失</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="199" />
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="226" />
        <source>Activate this model</source>
        <translation>启用此模型</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="240" />
        <source>Corrected tags</source>
        <translation>修正过的标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="241" />
        <source>Changes on your other photos</source>
        <translation>您其他照片上的变化</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="315" />
        <source>There are no corrections to learn from yet: confirm or reject some tags first. Photos tagged by an older model count once the next scan has re-tagged them.</source>
        <translation>还没有可学习的更正：请先确认或拒绝一些标签。旧模型标注的照片要等下次扫描重新标注后才计入。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="318" />
        <source>“{tag}” has {count}</source>
        <translation>“{tag}”有 {count} 张</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="321" />
        <source>Nothing to train yet: a new tag needs {needed} confirmed photos ({detail}).</source>
        <translation>暂时无需训练：新标签需要 {needed} 张已确认的照片（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="327" />
        <source>Reading your corrections…</source>
        <translation>正在读取您的修正…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="328" />
        <source>Training…</source>
        <translation>正在训练…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="330" />
        <source>Comparing with the current model on every photo…</source>
        <translation>正在所有照片上与当前模型比较…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="331" />
        <source>Exporting and checking the model…</source>
        <translation>正在导出并检查模型…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="332" />
        <source>Updating suggestions on your photos…</source>
        <translation>正在更新照片上的建议…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="337" />
        <source>Learning %1 from %2 photos.</source>
        <translation>从 %2 张照片学习 %1。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="341" />
        <source>“%1” has %2 confirmed photos; a new tag needs %3.</source>
        <translation>“%1”有 %2 张已确认的照片；新标签需要 %3 张。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="356" />
        <source>new</source>
        <translation>新</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="356" />
        <source>retrained</source>
        <translation>重新训练</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="372" />
        <source>Model %1: %2</source>
        <translation>模型 %1：%2</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="376" />
        <source>“%1”: its confirmed photos have little in common, so it is not suggested on its own; Tags → Review a Tag… lists photos like them.</source>
        <translation>“%1”：已确认的照片之间几乎没有共同点，因此不会自动建议此标签；“标签 → 审阅标签…”会列出与它们相似的照片。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="387" />
        <source>activated: no tag got worse on the held-out corrections, and no suggestion changed beyond what the corrections explain on the %1 photos</source>
        <translation>已启用：在留出的更正上没有标签变差，且在 %1 张照片上没有超出更正所能解释的建议变化</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="394" />
        <source>kept as a candidate: %1</source>
        <translation>保留为候选模型：%1</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="396" />
        <source>kept as a candidate: worse on the held-out corrections of %1</source>
        <translation>保留为候选模型：在留出的更正上，%1 变差了</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="399" />
        <source>kept as a candidate, as asked</source>
        <translation>按要求保留为候选模型</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="405" />
        <source>%1: a new tag suggested on %2% of the library (%3 of %4 photos) from %5 examples</source>
        <translation>%1：新标签仅凭 %5 个示例就被建议到照片库的 %2%（%4 张中的 %3 张）</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="412" />
        <source>%1: %2 → %3 suggestions on photos you didn't correct (+%4 −%5, from %6 confirmed and %7 rejected)</source>
        <translation>%1：在你未更正的照片上，建议从 %2 变为 %3（+%4 −%5，依据 %6 个确认和 %7 个拒绝）</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="431" />
        <source>explained by your corrections</source>
        <translation>可由您的修正解释</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="452" />
        <source>“%1”: photos that gain it and photos that lose it</source>
        <translation>“%1”：获得和失去它的照片</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="454" />
        <source>“%1”: no photo you didn't correct gains or loses it</source>
        <translation>“%1”：您未修正的照片中没有获得或失去它的</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="466" />
        <source>gains</source>
        <translation>获得</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="466" />
        <source>loses</source>
        <translation>失去</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="482" />
        <source>Cancelled. The active model is unchanged.</source>
        <translation>已取消。当前模型未改变。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="484" />
        <source>Training failed. The active model is unchanged.</source>
        <translation>训练失败。当前模型未改变。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="489" />
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="499" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="515" />
        <source>Activating %1…</source>
        <translation>正在启用 %1…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="520" />
        <source>Model %1 is active.</source>
        <translation>模型 %1 已启用。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="524" />
        <source>Could not activate the model.</source>
        <translation>无法启用模型。</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../organizer/ui/search_box.py" line="32" />
        <source>Search tags: dog AND (beach OR sea) NOT cat</source>
        <translation>搜索标签：dog AND (beach OR sea) NOT cat</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/search_box.py" line="114" />
        <source>Query error: {error}</source>
        <translation>查询错误：{error}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="40" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="47" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="49" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="56" />
        <source>Watch these folders: index new, changed and deleted photos automatically</source>
        <translation>监视这些文件夹：自动索引新增、更改和删除的照片</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="63" />
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="64" />
        <source>Confirmed tags only</source>
        <translation>仅已确认的标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="65" />
        <source>All tags (confirmed and suggested)</source>
        <translation>所有标签(已确认和建议的)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="71" />
        <source>Run the model on the GPU when one is available</source>
        <translation>有 GPU 时使用 GPU 运行模型</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="76" />
        <source>Now running on: {provider}</source>
        <translation>当前运行于：{provider}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="78" />
        <source>The model loads with the first tagging job.</source>
        <translation>模型将在第一次打标签任务时加载。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="85" />
        <source>Suggested tags scored below this are hidden in the details panel</source>
        <translation>分数低于此值的建议标签不在详情面板中显示</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="89" />
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="99" />
        <source>Write keywords into files:</source>
        <translation>将关键词写入文件：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="102" />
        <source>Minimum score shown:</source>
        <translation>显示的最低分数：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="103" />
        <source>Language (after restart):</source>
        <translation>界面语言(重启后生效)：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="111" />
        <source>Watched folders:</source>
        <translation>监视的文件夹：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="119" />
        <source>Add a photo folder</source>
        <translation>添加照片文件夹</translation>
    </message>
</context>
<context>
    <name>TagCommands</name>
    <message>
        <location filename="../../organizer/ui/tag_commands.py" line="35" />
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_commands.py" line="36" />
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_commands.py" line="38" />
        <source>{verb} “{tag}” on {count} photo(s)</source>
        <translation>对 {count} 张照片{verb}“{tag}”</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_commands.py" line="76" />
        <source>{count} file(s) could not be written.</source>
        <translation>{count} 个文件无法写入。</translation>
    </message>
</context>
<context>
    <name>TagCountModel</name>
    <message>
        <location filename="../../organizer/ui/tag_count_model.py" line="48" />
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_count_model.py" line="48" />
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_count_model.py" line="61" />
        <source>{name} ({origin} tag): {count} photos</source>
        <translation>{name}({origin} 标签)：{count} 张照片</translation>
    </message>
</context>
<context>
    <name>TagManager</name>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="96" />
        <location filename="../../organizer/ui/tag_manager.py" line="101" />
        <source>Rename tag</source>
        <translation>重命名标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="96" />
        <source>Tag to rename:</source>
        <translation>要重命名的标签：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="102" />
        <source>New name for “{tag}”:</source>
        <translation>“{tag}”的新名称：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="108" />
        <source>Rename “{old}” to “{new}”</source>
        <translation>将“{old}”重命名为“{new}”</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="113" />
        <location filename="../../organizer/ui/tag_manager.py" line="117" />
        <source>Merge tags</source>
        <translation>合并标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="113" />
        <source>Tag to merge away:</source>
        <translation>要合并掉的标签：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="118" />
        <source>Merge “{tag}” into:</source>
        <translation>将“{tag}”合并到：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="123" />
        <source>Merge “{tag}” into “{target}”</source>
        <translation>将“{tag}”合并到“{target}”</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="128" />
        <location filename="../../organizer/ui/tag_manager.py" line="133" />
        <source>Delete tag</source>
        <translation>删除标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="128" />
        <source>Tag to delete:</source>
        <translation>要删除的标签：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="135" />
        <source>Delete “{tag}” from every photo, with your confirmations and rejections of it? Edit → Undo (Ctrl+Z) brings it back. A model tag comes back as a suggestion at the next retag.</source>
        <translation>从所有照片中删除“{tag}”及您对它的确认和拒绝？编辑 → 撤销(Ctrl+Z)可以恢复。模型标签会在下次重新打标签时作为建议重新出现。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="142" />
        <source>Delete “{tag}”</source>
        <translation>删除“{tag}”</translation>
    </message>
</context>
<context>
    <name>TagPanel</name>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="35" />
        <source>AND (all of)</source>
        <translation>AND(全部满足)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="36" />
        <source>OR (any of)</source>
        <translation>OR(任一满足)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="37" />
        <source>NOT (exclude)</source>
        <translation>NOT(排除)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="39" />
        <source>Click adds with:</source>
        <translation>点击标签时使用：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="90" />
        <source>Show only “{tag}”</source>
        <translation>只显示“{tag}”</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="93" />
        <source>Add with AND</source>
        <translation>以 AND 添加</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="96" />
        <source>Add with OR</source>
        <translation>以 OR 添加</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="99" />
        <source>Exclude (NOT)</source>
        <translation>排除(NOT)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="103" />
        <source>Review Photos for “{tag}”</source>
        <translation>审阅“{tag}”的照片</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="107" />
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="110" />
        <source>Merge into…</source>
        <translation>合并到…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="113" />
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
</context>
<context>
    <name>WatchStatus</name>
    <message>
        <location filename="../../organizer/ui/watch_bridge.py" line="304" />
        <source>Watching off</source>
        <translation>监视已关闭</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/watch_bridge.py" line="305" />
        <source>Starting to watch…</source>
        <translation>正在开始监视…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/watch_bridge.py" line="306" />
        <source>Watching {count} folder(s)</source>
        <translation>正在监视 {count} 个文件夹</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/watch_bridge.py" line="307" />
        <source>No folders to watch</source>
        <translation>没有要监视的文件夹</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/watch_bridge.py" line="308" />
        <source>Not watching</source>
        <translation>未在监视</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/watch_bridge.py" line="311" />
        <source>New, changed and deleted photos are indexed automatically.</source>
        <translation>新增、更改和删除的照片会被自动索引。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/watch_bridge.py" line="313" />
        <source>Last change: {what}</source>
        <translation>最近的变化：{what}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/watch_bridge.py" line="316" />
        <source>{count} problem(s), click for details</source>
        <translation>{count} 个问题，点击查看详情</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/watch_bridge.py" line="333" />
        <source>Watching folders</source>
        <translation>监视文件夹</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/watch_bridge.py" line="334" />
        <source>Some changes on disk may be noticed late:</source>
        <translation>磁盘上的部分变化可能会较晚被发现：</translation>
    </message>
</context>
</TS>