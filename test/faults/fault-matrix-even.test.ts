import {describeFaultMatrix} from './fault-matrix.js';

// Half of the faults (the other half is in fault-matrix-odd): the two files run side by side.
describeFaultMatrix((index) => index % 2 === 0);
