; Every call expression (its callee and arguments are read from the node's fields: one capture per
; call keeps the matches cheap).
; Matched against tree-sitter-c 0.24.1 node types.
(call_expression
  function: (_)
  arguments: (argument_list)) @call
