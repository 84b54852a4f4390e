/**
 * An email address that wraps only where a reader expects: before the `@` and after each dot,
 * never in the middle of a name, nor after a hyphen, which would read as hyphenation
 * ("ann.lee@acme.test" → "ann." | "lee" | "@acme." | "test").
 *
 * @example
 *   <td class="email"><Address email={row.email} /></td>
 */
export function Address({ email }: { email: string }) {
  const parts = email.split(/(?=@)|(?<=\.)/);
  return (
    <>
      {parts.map((part, i) => (
        <>
          {i > 0 && <wbr />}
          <span class="address-part">{part}</span>
        </>
      ))}
    </>
  );
}
