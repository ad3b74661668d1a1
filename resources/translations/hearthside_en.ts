<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ChatFeature</name>
    <message numerus="yes">
        <location filename="../../desktop/chat/qt/feature.py" line="369"/>
        <source>The %n oldest messages no longer fit in the context window and were not sent to the model.</source>
        <translation>
            <numerusform>The %n oldest message no longer fits in the context window and was not sent to the model.</numerusform>
            <numerusform>The %n oldest messages no longer fit in the context window and were not sent to the model.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ChatTransfers</name>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/transfers.py" line="219"/>
        <source>Exported %n chats to {path}</source>
        <translation>
            <numerusform>Exported %n chat to {path}</numerusform>
            <numerusform>Exported %n chats to {path}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/transfers.py" line="286"/>
        <source>Imported %n chat(s) from {name}</source>
        <translation>
            <numerusform>Imported %n chat from {name}</numerusform>
            <numerusform>Imported %n chats from {name}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CollectionChips</name>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collection_chips.py" line="164"/>
        <source>%n collection(s) attached: replies use their passages. Attach another…</source>
        <translation>
            <numerusform>%n collection attached: replies use its passages. Attach another…</numerusform>
            <numerusform>%n collections attached: replies use their passages. Attach another…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CollectionListModel</name>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections.py" line="72"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CollectionsDialog</name>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="341"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="342"/>
        <source>%n passage(s)</source>
        <translation>
            <numerusform>%n passage</numerusform>
            <numerusform>%n passages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_dialog.py" line="345"/>
        <source>%n unreadable</source>
        <translation>
            <numerusform>%n unreadable</numerusform>
            <numerusform>%n unreadable</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DownloadListModel</name>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/downloads_model.py" line="203"/>
        <source>Stalled — no data for %n s</source>
        <translation>
            <numerusform>Stalled — no data for %n s</numerusform>
            <numerusform>Stalled — no data for %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/downloads_model.py" line="207"/>
        <source>Retrying in %n s</source>
        <translation>
            <numerusform>Retrying in %n s</numerusform>
            <numerusform>Retrying in %n s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportPlurals</name>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/pdf_export.py" line="61"/>
        <source>%n passage(s) did not fit in the context window and were left out.</source>
        <translation>
            <numerusform>%n passage did not fit in the context window and was left out.</numerusform>
            <numerusform>%n passages did not fit in the context window and were left out.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FileListModel</name>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections.py" line="165"/>
        <source>%n passage(s)</source>
        <translation>
            <numerusform>%n passage</numerusform>
            <numerusform>%n passages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections.py" line="174"/>
        <source>{name} · %n passage(s)</source>
        <translation>
            <numerusform>{name} · %n passage</numerusform>
            <numerusform>{name} · %n passages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HubBrowser</name>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/hub_browser.py" line="337"/>
        <source>%n model(s) with GGUF files.</source>
        <translation>
            <numerusform>%n model with GGUF files.</numerusform>
            <numerusform>%n models with GGUF files.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IndexProgressPanel</name>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_panels.py" line="156"/>
        <source>%n new file(s)</source>
        <translation>
            <numerusform>%n new file</numerusform>
            <numerusform>%n new files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_panels.py" line="158"/>
        <source>%n changed</source>
        <translation>
            <numerusform>%n changed</numerusform>
            <numerusform>%n changed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_panels.py" line="160"/>
        <source>%n removed</source>
        <translation>
            <numerusform>%n removed</numerusform>
            <numerusform>%n removed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/documents/qt/collections_panels.py" line="169"/>
        <source>%n could not be read; the list says why.</source>
        <translation>
            <numerusform>%n could not be read; the list says why.</numerusform>
            <numerusform>%n could not be read; the list says why.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LibraryPanel</name>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/library_view.py" line="453"/>
        <source>Looking for models… %n folder(s) searched</source>
        <translation>
            <numerusform>Looking for models… %n folder searched</numerusform>
            <numerusform>Looking for models… %n folders searched</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/library_view.py" line="455"/>
        <source>%n GGUF file(s) found</source>
        <translation>
            <numerusform>%n GGUF file found</numerusform>
            <numerusform>%n GGUF files found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/library_view.py" line="492"/>
        <source>%n model(s), {size} on disk. Models folder: {folder}</source>
        <translation>
            <numerusform>%n model, {size} on disk. Models folder: {folder}</numerusform>
            <numerusform>%n models, {size} on disk. Models folder: {folder}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelDefaultsPage</name>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/settings_page.py" line="129"/>
        <source>{cores} physical cores → %n threads</source>
        <translation>
            <numerusform>{cores} physical cores → %n thread</numerusform>
            <numerusform>{cores} physical cores → %n threads</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/settings_page.py" line="133"/>
        <source>%n threads found → %n threads</source>
        <translation>
            <numerusform>%n thread found → %n thread</numerusform>
            <numerusform>%n threads found → %n threads</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RepoFilesModel</name>
    <message numerus="yes">
        <location filename="../../desktop/models/qt/hub_models.py" line="365"/>
        <source>%n part(s)</source>
        <translation>
            <numerusform>%n part</numerusform>
            <numerusform>%n parts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/search_results.py" line="126"/>
        <source>+%n more matches</source>
        <translation>
            <numerusform>+%n more match</numerusform>
            <numerusform>+%n more matches</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServerPanel</name>
    <message numerus="yes">
        <location filename="../../desktop/api/qt/server_panel.py" line="237"/>
        <source>%n request(s) since the server started</source>
        <translation>
            <numerusform>%n request since the server started</numerusform>
            <numerusform>%n requests since the server started</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServersPanel</name>
    <message numerus="yes">
        <location filename="../../desktop/remote/qt/servers_panel.py" line="445"/>
        <source>%n model(s) on {host}.</source>
        <translation>
            <numerusform>%n model on {host}.</numerusform>
            <numerusform>%n models on {host}.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SourcesLine</name>
    <message numerus="yes">
        <location filename="../../desktop/chat/qt/sources_line.py" line="94"/>
        <source>%n passage(s) did not fit in the context window and were left out.</source>
        <translation>
            <numerusform>%n passage did not fit in the context window and was left out.</numerusform>
            <numerusform>%n passages did not fit in the context window and were left out.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ThinkingSection</name>
    <message numerus="yes">
        <location filename="../../desktop/chat/qt/thinking_section.py" line="194"/>
        <source>Thinking… %n s</source>
        <translation>
            <numerusform>Thinking… %n s</numerusform>
            <numerusform>Thinking… %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/chat/qt/thinking_section.py" line="196"/>
        <source>Thought for %n s</source>
        <translation>
            <numerusform>Thought for %n s</numerusform>
            <numerusform>Thought for %n s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrashDialog</name>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="175"/>
        <source>Deleted chats are removed for good after %n days.</source>
        <translation>
            <numerusform>Deleted chats are removed for good after %n day.</numerusform>
            <numerusform>Deleted chats are removed for good after %n days.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="197"/>
        <source>Chats you delete wait here for %n days, so you can restore them.</source>
        <translation>
            <numerusform>Chats you delete wait here for %n day, so you can restore them.</numerusform>
            <numerusform>Chats you delete wait here for %n days, so you can restore them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="296"/>
        <source>Delete %n chats forever? This cannot be undone.</source>
        <translation>
            <numerusform>Delete %n chat forever? This cannot be undone.</numerusform>
            <numerusform>Delete %n chats forever? This cannot be undone.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="310"/>
        <source>Delete all %n chats in the trash forever? This cannot be undone.</source>
        <translation>
            <numerusform>Delete the %n chat in the trash forever? This cannot be undone.</numerusform>
            <numerusform>Delete all %n chats in the trash forever? This cannot be undone.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>_TrashDelegate</name>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="128"/>
        <source>Deleted %n days ago</source>
        <translation>
            <numerusform>Deleted %n day ago</numerusform>
            <numerusform>Deleted %n days ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history/qt/trash_dialog.py" line="135"/>
        <source>removed for good in %n days</source>
        <translation>
            <numerusform>removed for good in %n day</numerusform>
            <numerusform>removed for good in %n days</numerusform>
        </translation>
    </message>
</context>
</TS>
