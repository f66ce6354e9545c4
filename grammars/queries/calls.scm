; Every call expression: the callee (identifier, field chain or other expression) and its arguments.
; Matched against tree-sitter-c 0.24.1 node types.
(call_expression
  function: (_) @callee
  arguments: (argument_list) @args) @call
