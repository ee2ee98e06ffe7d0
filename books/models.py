# Tick tables arrive with the storage issue (books.Trade, books.BookDelta, books.BookSnapshot).
