; Every function definition (its declarator and body are read from the node's fields).
; Matched against tree-sitter-c 0.24.1 node types.
(function_definition
  declarator: (_)
  body: (compound_statement)) @function
