"""What the validators share and the core never needs: following request input to a zod schema
(taint, zod, trpc, factories), Next.js entry points, cross-file indexes of helpers and package
entry points, and how error handling reads (catches, catch handling, who hears of a failure).

Only validators import it; the engine reaches it through the validators it runs."""
