" Plain Vim: the README's quickfix configuration ($PAGEREF_CONFIG), as written, on the file Vim
" was started with; the quickfix list is written to $PAGEREF_OUT as JSON.
" Run as: vim -u NONE -i NONE -N -es -S test/editors/quickfix.vim FILE
execute 'source' fnameescape($PAGEREF_CONFIG)
call writefile([json_encode(map(getqflist(), {_, e -> {'lnum': e.lnum, 'col': e.col, 'type': e.type, 'text': e.text}}))], $PAGEREF_OUT)
qall!
