import { createSocket } from 'dgram';

/** Sends each StatsD line as one UDP datagram to 127.0.0.1:port, as Airflow's StatsD client does. */
export async function sendStatsdLines(port: number, lines: readonly string[]): Promise<void> {
  const socket = createSocket('udp4');
  try {
    for (const line of lines) {
      await new Promise<void>((resolve, reject) => socket.send(line, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    }
  } finally {
    socket.close();
  }
}
