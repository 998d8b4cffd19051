/** An error body shaped like Twilio's REST API answers it, so the SDK raises a RestException with the code. */
export function twilioError(
  status: number,
  code: number,
  message: string,
): { code: number; message: string; more_info: string; status: number } {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}
