"""The tracker workbook behind one interface (:class:`~xladdin.book.base.Book`): the file on disk or the workbook open in Excel."""
