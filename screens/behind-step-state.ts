/** The "behind the step" panel: open or not, and which step's requests it shows. */
export interface BehindStepState {
	readonly isOpen: boolean;
	readonly index: number;
}

export type BehindStepAction =
	| {readonly type: 'toggle'; readonly defaultIndex: number}
	| {readonly type: 'move'; readonly delta: number; readonly count: number}
	| {readonly type: 'close'};

export const initialBehindStep: BehindStepState = {isOpen: false, index: 0};

export function behindStepReducer(state: BehindStepState, action: BehindStepAction): BehindStepState {
	switch (action.type) {
		case 'toggle':
			return state.isOpen ? {...state, isOpen: false} : {isOpen: true, index: Math.max(0, action.defaultIndex)};
		case 'move':
			if (!state.isOpen || action.count === 0) return state;
			return {...state, index: Math.min(action.count - 1, Math.max(0, state.index + action.delta))};
		case 'close':
			return {...state, isOpen: false};
	}
}
