// A step ends when its work is done, even if a request that ran past its deadline is still
// pending inside a library (it has no way to cancel it): wait briefly for the event loop to
// drain, then exit with the step's exit code.
export async function endWhenDone(work: Promise<void>): Promise<void> {
  await work;
  setTimeout(() => process.exit(), 2000).unref();
}
