; Every function definition with its declarator (name and parameters) and body.
; Matched against tree-sitter-c 0.24.1 node types.
(function_definition
  declarator: (_) @declarator
  body: (compound_statement) @body) @function
