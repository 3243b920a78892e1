/** Placeholder so the stack packages until the real handler lands; it only records that it was invoked. */
export const handler = async (event: unknown): Promise<void> => {
  console.log(JSON.stringify({ message: "not implemented yet", event }));
};
