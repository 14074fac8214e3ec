;; Every `any` keyword in a type position.
((predefined_type) @any (#eq? @any "any"))

;; `any` read as an identifier: the grammar parses type arguments on a tagged template
;; (`sql<any>`...``) as comparisons. check() keeps only that shape.
((identifier) @maybe_any (#eq? @maybe_any "any"))
