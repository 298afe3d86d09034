// The textbook FIFO realized-PnL computation in plain floats, written independently of engine/ledger to check it against.

export interface ReferenceFill {
  readonly direction: 'buy' | 'sell';
  readonly qty: number;
  readonly price: number;
}

export function referenceFifoRealized(fills: readonly ReferenceFill[]): number {
  const queue: { qty: number; price: number }[] = [];
  let side = 0; // +1 long, -1 short, 0 flat
  let realized = 0;
  for (const f of fills) {
    let qty = f.qty;
    const sign = f.direction === 'buy' ? 1 : -1;
    while (qty > 1e-12 && queue.length > 0 && side === -sign) {
      const lot = queue[0]!;
      const take = Math.min(lot.qty, qty);
      realized += side * (f.price - lot.price) * take;
      lot.qty -= take;
      qty -= take;
      if (lot.qty <= 1e-12) queue.shift();
    }
    if (queue.length === 0) side = 0;
    if (qty > 1e-12) {
      queue.push({ qty, price: f.price });
      side = sign;
    }
  }
  return realized;
}
