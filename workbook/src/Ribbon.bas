Attribute VB_Name = "Ribbon"
Option Explicit

' Callbacks of the ribbon tab (customUI14.xml). Each button runs one function of
' xladdin.adapters.buttons through xlwings. Keep this module ASCII: VBA source is code page
' 1252, so every Vietnamese text lives in Python and in the ribbon XML.

Sub OnImportAppendix(control As IRibbonControl)
    RunPython "import xladdin.adapters.buttons as b; b.import_appendix()"
End Sub

Sub OnValidate(control As IRibbonControl)
    RunPython "import xladdin.adapters.buttons as b; b.validate()"
End Sub

Sub OnRecalc(control As IRibbonControl)
    RunPython "import xladdin.adapters.buttons as b; b.recalc()"
End Sub

Sub OnMakeForms(control As IRibbonControl)
    RunPython "import xladdin.adapters.buttons as b; b.make_forms()"
End Sub

Sub OnMergeReturns(control As IRibbonControl)
    RunPython "import xladdin.adapters.buttons as b; b.merge_returns()"
End Sub

Sub OnMakeLetters(control As IRibbonControl)
    RunPython "import xladdin.adapters.buttons as b; b.make_letters()"
End Sub

Sub OnOpenFolder(control As IRibbonControl)
    RunPython "import xladdin.adapters.buttons as b; b.open_folder()"
End Sub

Sub OnHelp(control As IRibbonControl)
    RunPython "import xladdin.adapters.buttons as b; b.show_help()"
End Sub
