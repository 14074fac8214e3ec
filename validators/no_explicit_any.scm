;; Every `any` keyword in a type position.
((predefined_type) @any (#eq? @any "any"))
