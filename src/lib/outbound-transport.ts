/** How our outbound webhooks (3PL dispatches, purchase orders to suppliers) leave; replaced in tests with a fake partner. */
export const transport = { fetch: (req: Request): Promise<Response> => fetch(req) };
