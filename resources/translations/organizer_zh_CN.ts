<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>EmptyState</name>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="17" />
        <source>Your library is empty</source>
        <translation>您的图库是空的</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="25" />
        <source>Add a folder of photos. Organizer watches it, tags every photo with its model and lets you browse albums by tag. Your files are not moved.</source>
        <translation>添加一个照片文件夹。Organizer 会监视它，用模型为每张照片打标签，并让您按标签浏览相册。您的文件不会被移动。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="35" />
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
        <location filename="../../organizer/ui/folder_panel.py" line="30" />
        <source>All photos ({count})</source>
        <translation>全部照片 ({count})</translation>
    </message>
</context>
<context>
    <name>FolderPanel</name>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="70" />
        <location filename="../../organizer/ui/folder_panel.py" line="147" />
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="74" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="75" />
        <source>Stop watching the selected folder (files stay on disk)</source>
        <translation>停止监视所选文件夹(文件保留在磁盘上)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="128" />
        <source>Retag</source>
        <translation>重新打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="131" />
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="134" />
        <source>Write tags to files</source>
        <translation>将标签写入文件</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="138" />
        <source>Writing keywords into files is not part of this build</source>
        <translation>此版本尚不支持将关键词写入文件</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="139" />
        <source>Open in file manager</source>
        <translation>在文件管理器中打开</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/folder_panel.py" line="144" />
        <source>Remove from library</source>
        <translation>从图库中移除</translation>
    </message>
</context>
<context>
    <name>JobStatus</name>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="19" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="40" />
        <source>(loading the model…)</source>
        <translation>(正在加载模型…)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="44" />
        <source>reading new files</source>
        <translation>读取新文件</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="44" />
        <source>tagging</source>
        <translation>打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="59" />
        <source>{job} failed: {error}</source>
        <translation>{job} 失败：{error}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/job_status.py" line="63" />
        <source>Cancelling after the current batch…</source>
        <translation>当前批次完成后取消…</translation>
    </message>
</context>
<context>
    <name>LinePlot</name>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="91" />
        <source>epoch 1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="93" />
        <source>epoch %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="43" />
        <source>Organizer</source>
        <translation>Organizer</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="115" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="116" />
        <source>&amp;Add Folder…</source>
        <translation>添加文件夹(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="118" />
        <source>&amp;Rescan All Folders</source>
        <translation>重新扫描所有文件夹(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="120" />
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="124" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="126" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="127" />
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="129" />
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="134" />
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="137" />
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="139" />
        <source>Add &amp;Tag to Selection</source>
        <translation>为所选照片添加标签(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="142" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="145" />
        <source>Sort by &amp;Date Taken</source>
        <translation>按拍摄日期排序(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="146" />
        <source>Sort by &amp;Name</source>
        <translation>按名称排序(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="156" />
        <source>Tag Names in &amp;English</source>
        <translation>标签名使用英文(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="157" />
        <source>Tag Names in &amp;Chinese (简体中文)</source>
        <translation>标签名使用中文(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="167" />
        <source>Show &amp;All Photos</source>
        <translation>显示全部照片(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="171" />
        <source>&amp;Tags</source>
        <translation>标签(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="172" />
        <source>&amp;Rename Tag…</source>
        <translation>重命名标签(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="173" />
        <source>&amp;Merge Tags…</source>
        <translation>合并标签(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="174" />
        <source>&amp;Delete Tag…</source>
        <translation>删除标签(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="179" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="180" />
        <source>&amp;About Organizer</source>
        <translation>关于 Organizer(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="231" />
        <source>{count} photos</source>
        <translation>{count} 张照片</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="233" />
        <source>{count} photos match</source>
        <translation>{count} 张照片符合</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="257" />
        <source>Add a photo folder</source>
        <translation>添加照片文件夹</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="262" />
        <source>Adding {folder}</source>
        <translation>正在添加 {folder}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="275" />
        <source>Remove folder</source>
        <translation>移除文件夹</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="277" />
        <source>Stop watching {path}?

Its photos leave the library with their tags and corrections. The files themselves are not touched.</source>
        <translation>停止监视 {path}？

其中的照片及其标签和修正将从图库中移除。文件本身不会被改动。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="291" />
        <source>Retagging {folder}</source>
        <translation>正在为 {folder} 重新打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="297" />
        <source>all folders</source>
        <translation>所有文件夹</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="299" />
        <source>Scanning {folder}</source>
        <translation>正在扫描 {folder}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="304" />
        <source>Writing tags into files under {path}…</source>
        <translation>正在将标签写入 {path} 下的文件…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="309" />
        <source>Could not open a file manager for {path}</source>
        <translation>无法为 {path} 打开文件管理器</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="318" />
        <source>“organizer {command}” failed (exit status {code}).</source>
        <translation>“organizer {command}”失败(退出码 {code})。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="348" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="349" />
        <source>Add Tag…</source>
        <translation>添加标签…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="351" />
        <source>Retag {count} Photo(s)</source>
        <translation>重新为 {count} 张照片打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="353" />
        <source>Retagging {count} photo(s)</source>
        <translation>正在为 {count} 张照片重新打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="360" />
        <source>Show in File Manager</source>
        <translation>在文件管理器中显示</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="384" />
        <source>About Organizer</source>
        <translation>关于 Organizer</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/main_window.py" line="386" />
        <source>Organizer tags your photos with a local model, lets you correct the tags, and keeps every tag's provenance.

Library: {path}</source>
        <translation>Organizer 用本地模型为照片打标签，允许您修正标签，并记录每个标签的来源。

图库：{path}</translation>
    </message>
</context>
<context>
    <name>ModelMenu</name>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="22" />
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="26" />
        <source>&amp;Retrain…</source>
        <translation>重新训练(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="27" />
        <source>&amp;Versions and Rollback…</source>
        <translation>版本与回滚(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="30" />
        <source>Training is not part of this build yet</source>
        <translation>此版本尚不包含训练功能</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="33" />
        <source>Model versions are not part of this build yet</source>
        <translation>此版本尚不支持模型版本管理</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="49" />
        <source>Unexpected output from 'organizer models'</source>
        <translation>“organizer models”的输出无法识别</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="58" />
        <source>Model versions</source>
        <translation>模型版本</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/model_menu.py" line="59" />
        <source>Use model version:</source>
        <translation>使用模型版本：</translation>
    </message>
</context>
<context>
    <name>NoMatches</name>
    <message>
        <location filename="../../organizer/ui/empty_state.py" line="56" />
        <source>No photos match this filter.</source>
        <translation>没有符合此筛选条件的照片。</translation>
    </message>
</context>
<context>
    <name>PhotoPanel</name>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="70" />
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="71" />
        <source>Confirm the selected tags (C)</source>
        <translation>确认选中的标签 (C)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="73" />
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="74" />
        <source>Reject the selected tags (Delete)</source>
        <translation>拒绝选中的标签 (Delete)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="81" />
        <source>Add a tag… (T)</source>
        <translation>添加标签… (T)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="88" />
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="133" />
        <source>Select a photo to see its tags</source>
        <translation>选择一张照片以查看其标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="170" />
        <source>Cannot show this photo: {reason}</source>
        <translation>无法显示这张照片：{reason}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="178" />
        <source>{count} photos selected</source>
        <translation>已选中 {count} 张照片</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="179" />
        <source>Changes apply to every selected photo.</source>
        <translation>修改将应用到所有选中的照片。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="184" />
        <source>Cannot read this photo's details: {error}</source>
        <translation>无法读取这张照片的详情：{error}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="203" />
        <source>Taken {date}</source>
        <translation>拍摄于 {date}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="205" />
        <source>Could not be tagged: {error}</source>
        <translation>无法打标签：{error}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="207" />
        <source>Not tagged yet</source>
        <translation>尚未打标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_panel.py" line="235" />
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
        <location filename="../../organizer/ui/photo_viewer.py" line="38" />
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/photo_viewer.py" line="39" />
        <source>(Esc: back, ←/→: previous/next)</source>
        <translation>(Esc：返回，←/→：上一张/下一张)</translation>
    </message>
</context>
<context>
    <name>RetrainDialog</name>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="161" />
        <source>Retrain the model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="177" />
        <source>Starting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="183" />
        <source>training loss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="184" />
        <source>held-out loss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="185" />
        <source>held-out agreement</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="192" />
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="193" />
        <source>Kind</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="194" />
        <source>Confirmed / rejected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="195" />
        <source>Errors before → after</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="196" />
        <source>Threshold</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="197" />
        <source>Suggested on other photos</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="198" />
        <source>Held-out AP</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="208" />
        <source>Activate this model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="288" />
        <source>Reading your corrections…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="289" />
        <source>Training…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="290" />
        <source>Exporting and checking the model…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="291" />
        <source>Updating suggestions on your photos…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="297" />
        <source>Learning %1 from %2 photos.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="302" />
        <source>“%1” has %2 confirmed photos; a new tag needs %3.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="315" />
        <source>new</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="315" />
        <source>retrained</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="329" />
        <source>Model %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="340" />
        <source>Cancelled. The active model is unchanged.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="342" />
        <source>Training failed. The active model is unchanged.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="347" />
        <source>Done.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="357" />
        <source>Cancelling…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="371" />
        <source>Activating %1…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="376" />
        <source>Model %1 is active.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../organizer/ui/retrain_dialog.py" line="381" />
        <source>Could not activate the model.</source>
        <translation type="unfinished" />
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
        <location filename="../../organizer/ui/search_box.py" line="107" />
        <source>Query error: {error}</source>
        <translation>查询错误：{error}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="38" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="45" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="47" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="56" />
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="57" />
        <source>Confirmed tags only</source>
        <translation>仅已确认的标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="58" />
        <source>All tags (confirmed and suggested)</source>
        <translation>所有标签(已确认和建议的)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="64" />
        <source>Run the model on the GPU when one is available</source>
        <translation>有 GPU 时使用 GPU 运行模型</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="69" />
        <source>Now running on: {provider}</source>
        <translation>当前运行于：{provider}</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="71" />
        <source>The model loads with the first tagging job.</source>
        <translation>模型将在第一次打标签任务时加载。</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="78" />
        <source>Suggested tags scored below this are hidden in the details panel</source>
        <translation>分数低于此值的建议标签不在详情面板中显示</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="82" />
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="92" />
        <source>Write keywords into files:</source>
        <translation>将关键词写入文件：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="95" />
        <source>Minimum score shown:</source>
        <translation>显示的最低分数：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="96" />
        <source>Language (after restart):</source>
        <translation>界面语言(重启后生效)：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="104" />
        <source>Watched folders:</source>
        <translation>监视的文件夹：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/settings_dialog.py" line="111" />
        <source>Add a photo folder</source>
        <translation>添加照片文件夹</translation>
    </message>
</context>
<context>
    <name>TagCommands</name>
    <message>
        <location filename="../../organizer/ui/tag_commands.py" line="34" />
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_commands.py" line="35" />
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_commands.py" line="37" />
        <source>{verb} “{tag}” on {count} photo(s)</source>
        <translation>对 {count} 张照片{verb}“{tag}”</translation>
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
        <location filename="../../organizer/ui/tag_manager.py" line="37" />
        <location filename="../../organizer/ui/tag_manager.py" line="42" />
        <source>Rename tag</source>
        <translation>重命名标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="37" />
        <source>Tag to rename:</source>
        <translation>要重命名的标签：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="43" />
        <source>New name for “{tag}”:</source>
        <translation>“{tag}”的新名称：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="50" />
        <location filename="../../organizer/ui/tag_manager.py" line="54" />
        <source>Merge tags</source>
        <translation>合并标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="50" />
        <source>Tag to merge away:</source>
        <translation>要合并掉的标签：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="55" />
        <source>Merge “{tag}” into:</source>
        <translation>将“{tag}”合并到：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="62" />
        <location filename="../../organizer/ui/tag_manager.py" line="67" />
        <source>Delete tag</source>
        <translation>删除标签</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="62" />
        <source>Tag to delete:</source>
        <translation>要删除的标签：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_manager.py" line="69" />
        <source>Delete “{tag}” from every photo? Your confirmations and rejections of it are lost. A model tag comes back as a suggestion at the next retag.</source>
        <translation>从所有照片中删除“{tag}”？您对它的确认和拒绝将丢失。模型标签会在下次重新打标签时作为建议重新出现。</translation>
    </message>
</context>
<context>
    <name>TagPanel</name>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="34" />
        <source>AND (all of)</source>
        <translation>AND(全部满足)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="35" />
        <source>OR (any of)</source>
        <translation>OR(任一满足)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="36" />
        <source>NOT (exclude)</source>
        <translation>NOT(排除)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="38" />
        <source>Click adds with:</source>
        <translation>点击标签时使用：</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="89" />
        <source>Show only “{tag}”</source>
        <translation>只显示“{tag}”</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="92" />
        <source>Add with AND</source>
        <translation>以 AND 添加</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="95" />
        <source>Add with OR</source>
        <translation>以 OR 添加</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="98" />
        <source>Exclude (NOT)</source>
        <translation>排除(NOT)</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="102" />
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="105" />
        <source>Merge into…</source>
        <translation>合并到…</translation>
    </message>
    <message>
        <location filename="../../organizer/ui/tag_panel.py" line="108" />
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
</context>
</TS>